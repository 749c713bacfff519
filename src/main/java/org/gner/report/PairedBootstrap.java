package org.gner.report;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gner.metrics.Prf;

/**
 * Paired bootstrap over sentences: each resample draws every dataset's sentences with replacement
 * (the same indices for all runs), recomputes GNER's F1 from the summed counts, and averages the
 * per-dataset F1 for the average. One seeded generator walks the datasets in order within each
 * resample, so the result is a pure function of the counts, {@code resamples} and {@code seed}.
 */
public final class PairedBootstrap {
    private PairedBootstrap() {}

    /**
     * @param runs per run (the first is the baseline), per dataset: counts aligned across runs
     * @return one comparison per run after the first
     */
    public static List<Comparison> compare(List<List<SentenceCounts>> runs, int resamples, long seed) {
        if (runs.size() < 2) {
            return List.of();
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("--bootstrap must be at least 1, got " + resamples);
        }
        int datasets = runs.get(0).size();
        for (List<SentenceCounts> run : runs) {
            if (run.size() != datasets) {
                throw new IllegalArgumentException("runs differ in dataset count");
            }
            for (int d = 0; d < datasets; d++) {
                if (run.get(d).size() != runs.get(0).get(d).size()) {
                    throw new IllegalArgumentException("runs differ in sentence count for dataset " + d);
                }
            }
        }
        int nRuns = runs.size();
        double[][][] deltas = new double[nRuns][datasets + 1][resamples];
        double[] f1 = new double[nRuns];
        double[] averageF1 = new double[nRuns];
        long[][] sums = new long[nRuns][3];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            java.util.Arrays.fill(averageF1, 0);
            for (int d = 0; d < datasets; d++) {
                for (long[] s : sums) {
                    java.util.Arrays.fill(s, 0);
                }
                int n = runs.get(0).get(d).size();
                for (int i = 0; i < n; i++) {
                    int pick = random.nextInt(n);
                    for (int k = 0; k < nRuns; k++) {
                        SentenceCounts c = runs.get(k).get(d);
                        sums[k][0] += c.correct()[pick];
                        sums[k][1] += c.predicted()[pick];
                        sums[k][2] += c.gold()[pick];
                    }
                }
                for (int k = 0; k < nRuns; k++) {
                    f1[k] = Prf.of(sums[k][0], sums[k][1], sums[k][2]).f1();
                    averageF1[k] += f1[k];
                }
                for (int k = 1; k < nRuns; k++) {
                    deltas[k][d][r] = f1[k] - f1[0];
                }
            }
            for (int k = 1; k < nRuns; k++) {
                deltas[k][datasets][r] = averageF1[k] / datasets - averageF1[0] / datasets;
            }
        }
        List<Double> observedAverage = new ArrayList<>();
        double[][] observed = new double[nRuns][datasets];
        for (int k = 0; k < nRuns; k++) {
            double total = 0;
            for (int d = 0; d < datasets; d++) {
                observed[k][d] = observedF1(runs.get(k).get(d));
                total += observed[k][d];
            }
            observedAverage.add(total / datasets);
        }
        List<Comparison> result = new ArrayList<>();
        for (int k = 1; k < nRuns; k++) {
            List<DeltaEstimate> perDataset = new ArrayList<>();
            for (int d = 0; d < datasets; d++) {
                perDataset.add(DeltaEstimate.of(observed[k][d] - observed[0][d], deltas[k][d]));
            }
            DeltaEstimate average = DeltaEstimate.of(observedAverage.get(k) - observedAverage.get(0), deltas[k][datasets]);
            result.add(new Comparison(perDataset, average));
        }
        return result;
    }

    /** GNER's F1 of the whole (not resampled) dataset. */
    static double observedF1(SentenceCounts counts) {
        long c = 0;
        long p = 0;
        long g = 0;
        for (int i = 0; i < counts.size(); i++) {
            c += counts.correct()[i];
            p += counts.predicted()[i];
            g += counts.gold()[i];
        }
        return Prf.of(c, p, g).f1();
    }

    /** ΔF1 per dataset (in input order) and of the average, of one run against the baseline. */
    public record Comparison(List<DeltaEstimate> perDataset, DeltaEstimate average) {
        public Comparison {
            perDataset = List.copyOf(perDataset);
        }
    }
}
