package org.gner.metrics;

import java.util.List;

/**
 * GNER's per-dataset result, plus how many sentences needed the subsequence or the LCS branch of
 * hierarchical matching.
 */
public record DatasetMetrics(
        String dataset,
        long sentences,
        long correct,
        long predicted,
        long gold,
        double precision,
        double recall,
        double f1,
        long subsequenceMatches,
        long lcsMatches) {

    /** GNER's average: the plain mean of the per-dataset F1, summed in dataset order; NaN when empty. */
    public static double averageF1(List<DatasetMetrics> datasets) {
        double total = 0;
        for (DatasetMetrics d : datasets) {
            total += d.f1();
        }
        return total / datasets.size();
    }
}
