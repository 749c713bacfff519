package org.gner.report;

import java.util.List;

/**
 * A run's entity-confidence figures from its metrics.json ({@code evaluate} writes them; a {@code score}
 * run has none): the temperature and aggregation used, and per dataset the calibration and the
 * threshold curve.
 */
public record RunConfidence(double labelTemperature, String aggregation, List<DatasetCalibration> datasets) {
    public RunConfidence {
        datasets = List.copyOf(datasets);
    }

    /** One reliability bin: confidences in {@code [from, to)}, their mean, and the share that were gold. */
    public record Bin(double from, double to, long count, double meanConfidence, double goldRate) {}

    /** P / R / F1 of the entities with confidence >= threshold. */
    public record ThresholdPoint(double threshold, double precision, double recall, double f1) {}

    /** One dataset: ECE (NaN when no entity had a confidence), bins and threshold curve. */
    public record DatasetCalibration(String dataset, long entities, double ece, List<Bin> bins,
            List<ThresholdPoint> thresholds) {
        public DatasetCalibration {
            bins = List.copyOf(bins);
            thresholds = List.copyOf(thresholds);
        }
    }

    public DatasetCalibration dataset(String name) {
        return datasets.stream().filter(d -> d.dataset().equals(name)).findFirst().orElse(null);
    }

    /** The entity-weighted mean ECE over datasets with entities (NaN if none). */
    public double meanEce() {
        double sum = 0;
        long n = 0;
        for (DatasetCalibration d : datasets) {
            if (!Double.isNaN(d.ece()) && d.entities() > 0) {
                sum += d.ece() * d.entities();
                n += d.entities();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
