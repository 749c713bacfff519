package org.gner.generate;

import java.util.List;

/**
 * What one prompt gave.
 *
 * @param inputIds the ids fed to the model (after {@link InputLimit})
 * @param promptTokens the prompt's length before any cut
 * @param tokenIds the generated ids only (no decoder start, no prompt), EOS last when produced; null on error
 * @param text the decoded generation (GNER's prediction text); null on error
 * @param error why this prompt produced nothing; null on success
 * @param decoderPasses decoder passes this prompt's row took part in (0 on error)
 * @param acceptedDrafts drafted tokens the model confirmed
 * @param labelDecisions constrained greedy decoding's label choices (empty otherwise), for refitting the
 *     temperature
 * @param wordLabelProbabilities per word of the prompt's sentence, the probability of its label
 *     ({@link WordLabelProbabilities}; NaN for a word without one); null when the decoding gives none
 *     (beam search, a prompt without words and labels, an error)
 */
public record PromptResult(long[] inputIds, int promptTokens, long[] tokenIds, String text, String error,
        int decoderPasses, int acceptedDrafts, List<LabelDecision> labelDecisions, double[] wordLabelProbabilities) {

    public PromptResult {
        labelDecisions = List.copyOf(labelDecisions);
    }

    public PromptResult(long[] inputIds, int promptTokens, long[] tokenIds, String text, String error) {
        this(inputIds, promptTokens, tokenIds, text, error, 0, 0, List.of(), null);
    }

    /**
     * {@link #wordLabelProbabilities} when they are one per word of a sentence of {@code words} words (the
     * prompt's own sentence), else null.
     */
    public double[] wordLabelProbabilities(int words) {
        return wordLabelProbabilities != null && wordLabelProbabilities.length == words ? wordLabelProbabilities
                : null;
    }

    public boolean truncated() {
        return inputIds.length < promptTokens;
    }

    public boolean failed() {
        return error != null;
    }

    public int outputTokens() {
        return tokenIds == null ? 0 : tokenIds.length;
    }
}
