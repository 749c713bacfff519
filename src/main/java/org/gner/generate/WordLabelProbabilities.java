package org.gner.generate;

import java.util.Arrays;
import java.util.List;

/**
 * Per input word, the probability of the label the decoder gave it, from what the decoder computed
 * anyway (no extra passes). NaN where a word has none.
 *
 * <ul>
 *   <li>Constrained greedy: the product over the word's {@link LabelDecision}s (the branch points of its
 *       label spelling) of the chosen token's softmax among the allowed tokens, logits less the O penalty,
 *       divided by the temperature; forced tokens have probability 1.
 *   <li>Free greedy: the product of the full-vocabulary softmax probabilities of the tokens that spell
 *       the word's label, from the word's first branch point (where its spellings part, at or after
 *       {@code (}) to its end. Words whose spelling the output left (a token outside the automaton), or
 *       did not reach, get none: GNER's subsequence/LCS matching fills their labels in, not the model.
 * </ul>
 */
public final class WordLabelProbabilities {
    private WordLabelProbabilities() {}

    /**
     * Constrained greedy: {@code words} probabilities from the decisions; a word whose spelling the
     * output did not finish ({@code tokens} stopped at the length limit) gets NaN.
     */
    public static double[] constrained(OutputAutomaton automaton, long[] tokens, List<LabelDecision> decisions,
            double temperature) {
        int words = automaton.words().size();
        double[] out = new double[words];
        Arrays.fill(out, 1.0);
        for (LabelDecision d : decisions) {
            if (d.word() < words) {
                out[d.word()] *= d.probability(temperature);
            }
        }
        int finished = finishedWords(automaton, tokens);
        for (int w = finished; w < words; w++) {
            out[w] = Double.NaN;
        }
        return out;
    }

    /** Free greedy: see the class comment. {@code logProbs} holds one log-probability per token. */
    public static double[] free(OutputAutomaton automaton, long[] tokens, float[] logProbs) {
        int words = automaton.words().size();
        double[] logSum = new double[words];
        boolean[] inLabel = new boolean[words];
        boolean[] left = new boolean[words];
        OutputAutomaton.Cursor cursor = automaton.start();
        for (int t = 0; t < tokens.length && !cursor.finished(); t++) {
            int word = cursor.word();
            boolean wasLost = cursor.lost();
            if (!wasLost && word < words && cursor.allowed().length >= 2) {
                inLabel[word] = true;
            }
            if (!wasLost && word < words && inLabel[word]) {
                logSum[word] += logProbs[t];
            }
            cursor.advance(tokens[t]);
            if (wasLost || cursor.lost()) {
                for (int w = word; w < Math.min(words, Math.max(word + 1, cursor.word() + 1)); w++) {
                    left[w] = true;
                }
            }
        }
        int finished = cursor.finished() ? words : Math.min(words, cursor.lost() ? 0 : cursor.word());
        double[] out = new double[words];
        for (int w = 0; w < words; w++) {
            out[w] = w < finished && !left[w] && inLabel[w] ? Math.exp(logSum[w]) : Double.NaN;
        }
        return out;
    }

    /** Words whose whole spelling {@code tokens} holds (all of them once EOS was read). */
    private static int finishedWords(OutputAutomaton automaton, long[] tokens) {
        OutputAutomaton.Cursor cursor = automaton.cursorAfter(tokens);
        return cursor.finished() ? automaton.words().size() : cursor.lost() ? 0 : cursor.word();
    }
}
