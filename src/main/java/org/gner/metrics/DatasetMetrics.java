package org.gner.metrics;

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
        long lcsMatches) {}
