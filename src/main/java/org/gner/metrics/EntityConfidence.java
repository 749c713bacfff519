package org.gner.metrics;

/**
 * How an entity's confidence is made from its words' label probabilities. {@link #GEOMETRIC_MEAN} is
 * the one the jobs use: on the shipped model's held-out data it was the best calibrated of the three
 * after the temperature (see the model card); the others stay for measuring.
 */
public enum EntityConfidence {
    /** The probability that every word got its label, were the choices independent. */
    PRODUCT,
    /** The product's per-word rate: a long entity is not penalized for its length. */
    GEOMETRIC_MEAN,
    /** The weakest word's probability. */
    MINIMUM;

    public static final EntityConfidence DEFAULT = GEOMETRIC_MEAN;

    /**
     * The confidence of words {@code [start, end)}; null when {@code wordProbabilities} is null or one
     * of those words has none (NaN).
     */
    public Double of(double[] wordProbabilities, int start, int end) {
        if (wordProbabilities == null || start >= end) {
            return null;
        }
        double logSum = 0;
        double min = 1;
        for (int w = start; w < end; w++) {
            double p = wordProbabilities[w];
            if (Double.isNaN(p)) {
                return null;
            }
            logSum += Math.log(p);
            min = Math.min(min, p);
        }
        double value = switch (this) {
            case PRODUCT -> Math.exp(logSum);
            case GEOMETRIC_MEAN -> Math.exp(logSum / (end - start));
            case MINIMUM -> min;
        };
        return Math.max(0, Math.min(1, value));
    }
}
