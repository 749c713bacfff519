package org.gner.metrics;

/** The same counts and formula as {@link DatasetMetrics}, for one entity type of one dataset. */
public record LabelMetrics(
        String dataset,
        String label,
        long correct,
        long predicted,
        long gold,
        double precision,
        double recall,
        double f1) {

    /** GNER's P/R/F1 computed from the exact totals. */
    public static LabelMetrics of(String dataset, String label, long correct, long predicted, long gold) {
        Prf prf = Prf.of(correct, predicted, gold);
        return new LabelMetrics(dataset, label, correct, predicted, gold, prf.precision(), prf.recall(), prf.f1());
    }
}
