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
        double f1) {}
