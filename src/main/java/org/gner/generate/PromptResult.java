package org.gner.generate;

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
 */
public record PromptResult(long[] inputIds, int promptTokens, long[] tokenIds, String text, String error,
        int decoderPasses, int acceptedDrafts) {

    public PromptResult(long[] inputIds, int promptTokens, long[] tokenIds, String text, String error) {
        this(inputIds, promptTokens, tokenIds, text, error, 0, 0);
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
