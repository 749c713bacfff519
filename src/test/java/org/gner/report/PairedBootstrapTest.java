package org.gner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    @Test
    void identicalRunsGiveZeroDeltaAndAZeroInterval() {
        List<SentenceCounts> run = List.of(random(200, 1), random(80, 2));
        PairedBootstrap.Comparison c = PairedBootstrap.compare(List.of(run, run), 500, 7).get(0);
        for (DeltaEstimate e : c.perDataset()) {
            assertEquals(0.0, e.delta());
            assertEquals(0.0, e.low());
            assertEquals(0.0, e.high());
            assertEquals(1.0, e.pValue());
        }
        assertEquals(0.0, c.average().low());
        assertEquals(0.0, c.average().high());
    }

    @Test
    void aRunBetterOnEverySentenceIsSignificant() {
        SentenceCounts baseline = random(60, 3);
        int n = baseline.size();
        int[] correct = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            // one more correct entity in every sentence, nothing else changes: precision and recall both rise
            correct[i] = baseline.correct()[i] + 1;
            predicted[i] = baseline.predicted()[i] + 1;
        }
        int[] gold = baseline.gold().clone();
        for (int i = 0; i < n; i++) {
            gold[i] = Math.max(gold[i], correct[i]);
        }
        SentenceCounts goldBaseline = new SentenceCounts(baseline.correct(), baseline.predicted(), gold);
        SentenceCounts better = new SentenceCounts(correct, predicted, gold);
        PairedBootstrap.Comparison c = PairedBootstrap.compare(
                List.of(List.of(goldBaseline), List.of(better)), 1000, 11).get(0);
        DeltaEstimate e = c.perDataset().get(0);
        assertTrue(e.delta() > 0, "delta " + e.delta());
        assertTrue(e.pValue() < 0.01, "p " + e.pValue());
        assertTrue(e.low() > 0, "interval " + e.low() + ", " + e.high());
        assertEquals(2.0 / 1001, e.pValue(), 1e-12);
        assertTrue(c.average().pValue() < 0.01);
    }

    @Test
    void theIntervalNarrowsWithMoreSentences() {
        double small = width(100);
        double large = width(10_000);
        assertTrue(large < small / 5, "width at 100 sentences " + small + ", at 10,000 " + large);
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResample() {
        List<List<SentenceCounts>> runs = List.of(List.of(random(300, 5)), List.of(random(300, 6)));
        DeltaEstimate a = PairedBootstrap.compare(runs, 300, 42).get(0).average();
        DeltaEstimate b = PairedBootstrap.compare(runs, 300, 42).get(0).average();
        DeltaEstimate c = PairedBootstrap.compare(runs, 300, 43).get(0).average();
        assertEquals(a, b);
        assertEquals(a.delta(), c.delta());
        assertTrue(a.low() != c.low() || a.high() != c.high());
    }

    @Test
    void observedDeltaIsTheDifferenceOfGnerF1OnTheTotals() {
        SentenceCounts a = new SentenceCounts(new int[] {1, 0, 2}, new int[] {2, 1, 2}, new int[] {1, 1, 3});
        SentenceCounts b = new SentenceCounts(new int[] {1, 1, 2}, new int[] {1, 1, 2}, new int[] {1, 1, 3});
        DeltaEstimate e = PairedBootstrap.compare(List.of(List.of(a), List.of(b)), 10, 1).get(0).perDataset().get(0);
        double f1a = org.gner.metrics.Prf.of(3, 5, 5).f1();
        double f1b = org.gner.metrics.Prf.of(4, 4, 5).f1();
        assertEquals(f1b - f1a, e.delta());
    }

    /** 95% interval width of the ΔF1 between two independent noisy runs of n sentences. */
    private static double width(int n) {
        List<List<SentenceCounts>> runs = List.of(List.of(random(n, 21)), List.of(random(n, 22)));
        DeltaEstimate e = PairedBootstrap.compare(runs, 400, 3).get(0).perDataset().get(0);
        return e.high() - e.low();
    }

    /** Sentences with 0-4 gold entities, each found with probability 0.6, plus occasional spurious ones. */
    static SentenceCounts random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] c = new int[n];
        int[] p = new int[n];
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            g[i] = rng.nextInt(5);
            for (int j = 0; j < g[i]; j++) {
                if (rng.nextDouble() < 0.6) {
                    c[i]++;
                }
            }
            p[i] = c[i] + (rng.nextDouble() < 0.3 ? 1 : 0);
        }
        return new SentenceCounts(c, p, g);
    }
}
