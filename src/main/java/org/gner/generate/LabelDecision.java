package org.gner.generate;

/**
 * One label choice of constrained decoding: a generated token where the output automaton allowed two or
 * more tokens (a branch of a word's label spelling, or a label ending there against a longer one).
 *
 * @param token  the index of the chosen token among the generated ones
 * @param word   the input word whose spelling the choice is part of
 * @param scores each allowed token's logit less its penalty ({@code --o-bias}), in the automaton's order
 *               of allowed tokens (ascending ids): the scores the pick was the argmax of
 * @param chosen the index of the chosen token in {@code scores}
 */
public record LabelDecision(int token, int word, float[] scores, int chosen) {

    /** The chosen token's probability under the softmax of {@code scores / temperature}. */
    public double probability(double temperature) {
        return probabilities(temperature)[chosen];
    }

    /** Every allowed token's probability under the softmax of {@code scores / temperature}. */
    public double[] probabilities(double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s / temperature);
        }
        double[] out = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            out[i] = Math.exp(scores[i] / temperature - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
