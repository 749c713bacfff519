package org.gner.report;

/**
 * One run's per-sentence entity counts for one dataset, index-aligned with every other run's
 * counts for that dataset (the pairing has been done), which is what the paired bootstrap resamples.
 */
public record SentenceCounts(int[] correct, int[] predicted, int[] gold) {
    public SentenceCounts {
        if (correct.length != predicted.length || correct.length != gold.length) {
            throw new IllegalArgumentException("count arrays differ in length: " + correct.length + ", "
                    + predicted.length + ", " + gold.length);
        }
    }

    public int size() {
        return correct.length;
    }

    /** The same counts in the order {@code order} gives (entry i is sentence {@code order[i]}). */
    public SentenceCounts reordered(int[] order) {
        int[] c = new int[order.length];
        int[] p = new int[order.length];
        int[] g = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            c[i] = correct[order[i]];
            p[i] = predicted[order[i]];
            g[i] = gold[order[i]];
        }
        return new SentenceCounts(c, p, g);
    }
}
