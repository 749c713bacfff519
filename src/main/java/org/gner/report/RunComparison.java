package org.gner.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run against the baseline (the first run): ΔF1 per dataset (keyed by name, in the baseline's
 * order) and of the average F1. {@code paired} is false when the sentences differ; then the estimates carry the
 * observed Δ only (interval and p-value NaN) and {@code note} says why.
 */
public record RunComparison(String run, String baseline, boolean paired, String note,
        Map<String, DeltaEstimate> perDataset, DeltaEstimate average) {
    public RunComparison {
        perDataset = Collections.unmodifiableMap(new LinkedHashMap<>(perDataset));
    }

    public static DeltaEstimate observedOnly(double delta) {
        return new DeltaEstimate(delta, Double.NaN, Double.NaN, Double.NaN, 0);
    }
}
