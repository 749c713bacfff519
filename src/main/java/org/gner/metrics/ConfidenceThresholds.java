package org.gner.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per dataset, what keeping only the entities with confidence >= t would score (t = 0, 0.05, ..., 0.95),
 * counted as GNER's scorer counts (each sentence's distinct normalized entities; a duplicate counts at
 * its highest confidence), and the expected calibration error of the predicted entities (10 equal-width
 * bins of confidence against "this entity is a gold entity", every span counted). Entities without a
 * confidence count at t = 0 only and stay out of the calibration. Summed sentence by sentence; partial
 * sums merge, so executors can count their partitions.
 */
public final class ConfidenceThresholds implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int THRESHOLDS = 20;
    public static final int BINS = 10;

    /** A predicted entity of one sentence: its normalized form, confidence (null: none), and whether it is gold. */
    public record Scored(Entity entity, Double confidence, boolean gold) {}

    /** Sums for one dataset. */
    private static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;
        final long[] correct = new long[THRESHOLDS];
        final long[] predicted = new long[THRESHOLDS];
        long gold;
        final long[] binCount = new long[BINS];
        final double[] binConfidence = new double[BINS];
        final long[] binGold = new long[BINS];

        void add(Counts o) {
            for (int k = 0; k < THRESHOLDS; k++) {
                correct[k] += o.correct[k];
                predicted[k] += o.predicted[k];
            }
            gold += o.gold;
            for (int b = 0; b < BINS; b++) {
                binCount[b] += o.binCount[b];
                binConfidence[b] += o.binConfidence[b];
                binGold[b] += o.binGold[b];
            }
        }
    }

    private final Map<String, Counts> byDataset = new HashMap<>();
    private final List<String> order = new ArrayList<>();

    /** Threshold k of the table: 0, 0.05, ..., 0.95. */
    public static double threshold(int k) {
        return (double) k / THRESHOLDS;
    }

    /**
     * One sentence: its predicted entities (every span, duplicates included) and its number of distinct
     * gold entities.
     */
    public void add(String dataset, List<Scored> predicted, int goldEntities) {
        Counts c = counts(dataset);
        c.gold += goldEntities;
        Map<Entity, Scored> distinct = new HashMap<>();
        for (Scored s : predicted) {
            distinct.merge(s.entity(), s, (a, b) -> rank(b) > rank(a) ? b : a);
            if (s.confidence() != null) {
                int bin = Math.min(BINS - 1, (int) Math.floor(s.confidence() * BINS));
                c.binCount[bin]++;
                c.binConfidence[bin] += s.confidence();
                c.binGold[bin] += s.gold() ? 1 : 0;
            }
        }
        for (Scored s : distinct.values()) {
            for (int k = 0; k < THRESHOLDS; k++) {
                if (k == 0 || (s.confidence() != null && s.confidence() >= threshold(k))) {
                    c.predicted[k]++;
                    c.correct[k] += s.gold() ? 1 : 0;
                }
            }
        }
    }

    private static double rank(Scored s) {
        return s.confidence() == null ? -1 : s.confidence();
    }

    private Counts counts(String dataset) {
        return byDataset.computeIfAbsent(dataset, d -> {
            order.add(d);
            return new Counts();
        });
    }

    /** Adds another partial count (datasets new to this one come after its own). */
    public ConfidenceThresholds merge(ConfidenceThresholds other) {
        for (String d : other.order) {
            counts(d).add(other.byDataset.get(d));
        }
        return this;
    }

    /** One row of the thresholds table. */
    public record Row(String dataset, double threshold, long correct, long predicted, long gold, double precision,
            double recall, double f1) {}

    /** One dataset's calibration: the error and the reliability diagram's bins. */
    public record Calibration(String dataset, long entities, double ece, long[] binCount, double[] meanConfidence,
            double[] goldRate) {}

    public List<Row> rows(List<String> datasets) {
        List<Row> out = new ArrayList<>();
        for (String d : datasets) {
            Counts c = byDataset.get(d);
            if (c == null) {
                continue;
            }
            for (int k = 0; k < THRESHOLDS; k++) {
                Prf prf = Prf.of(c.correct[k], c.predicted[k], c.gold);
                out.add(new Row(d, threshold(k), c.correct[k], c.predicted[k], c.gold, prf.precision(), prf.recall(),
                        prf.f1()));
            }
        }
        return out;
    }

    public List<Calibration> calibration(List<String> datasets) {
        List<Calibration> out = new ArrayList<>();
        for (String d : datasets) {
            Counts c = byDataset.get(d);
            if (c == null) {
                continue;
            }
            long n = 0;
            double ece = 0;
            double[] meanConfidence = new double[BINS];
            double[] goldRate = new double[BINS];
            for (int b = 0; b < BINS; b++) {
                n += c.binCount[b];
            }
            for (int b = 0; b < BINS; b++) {
                if (c.binCount[b] == 0) {
                    meanConfidence[b] = Double.NaN;
                    goldRate[b] = Double.NaN;
                    continue;
                }
                meanConfidence[b] = c.binConfidence[b] / c.binCount[b];
                goldRate[b] = (double) c.binGold[b] / c.binCount[b];
                ece += (double) c.binCount[b] / n * Math.abs(meanConfidence[b] - goldRate[b]);
            }
            out.add(new Calibration(d, n, n == 0 ? Double.NaN : ece, c.binCount.clone(), meanConfidence, goldRate));
        }
        return out;
    }

    public List<String> datasets() {
        return List.copyOf(order);
    }
}
