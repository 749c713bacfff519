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

    /** GNER's P/R/F1 computed from the exact totals. */
    public static DatasetMetrics of(String dataset, long sentences, long correct, long predicted, long gold,
            long subsequenceMatches, long lcsMatches) {
        Prf prf = Prf.of(correct, predicted, gold);
        return new DatasetMetrics(dataset, sentences, correct, predicted, gold, prf.precision(), prf.recall(),
                prf.f1(), subsequenceMatches, lcsMatches);
    }

    /** GNER's average: the plain mean of the per-dataset F1, summed in dataset order; NaN when empty. */
    public static double averageF1(List<DatasetMetrics> datasets) {
        double total = 0;
        for (DatasetMetrics d : datasets) {
            total += d.f1();
        }
        return total / datasets.size();
    }
}
