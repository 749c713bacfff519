package org.gner.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidenceThresholdsTest {
    private static ConfidenceThresholds.Scored e(String text, Double confidence, boolean gold) {
        return new ConfidenceThresholds.Scored(new Entity(text, "person"), confidence, gold);
    }

    @Test
    void countsDistinctEntitiesAtTheirHighestConfidenceAndCalibratesEverySpan() {
        ConfidenceThresholds t = new ConfidenceThresholds();
        // sentence 1: "ann" twice (0.3, 0.92), gold; "bob" 0.55 not gold; 3 gold entities
        t.add("d", List.of(e("ann", 0.3, true), e("bob", 0.55, false), e("ann", 0.92, true)), 3);
        // sentence 2: "cy" without a confidence, gold; 1 gold entity
        t.add("d", List.of(e("cy", null, true)), 1);
        List<ConfidenceThresholds.Row> rows = t.rows(List.of("d"));
        assertEquals(20, rows.size());
        ConfidenceThresholds.Row zero = rows.get(0);
        assertEquals(2, zero.correct()); // ann, cy
        assertEquals(3, zero.predicted()); // ann, bob, cy
        assertEquals(4, zero.gold());
        ConfidenceThresholds.Row half = rows.get(10); // t = 0.5: ann (0.92), bob (0.55)
        assertEquals(0.5, half.threshold());
        assertEquals(1, half.correct());
        assertEquals(2, half.predicted());
        ConfidenceThresholds.Row high = rows.get(19); // t = 0.95: nothing
        assertEquals(0, high.predicted());
        assertEquals(0.0, high.f1());

        ConfidenceThresholds.Calibration c = t.calibration(List.of("d")).get(0);
        assertEquals(3, c.entities()); // every span with a confidence
        assertArrayEquals(new long[] {0, 0, 0, 1, 0, 1, 0, 0, 0, 1}, c.binCount());
        // |0.3 - 1| + |0.55 - 0| + |0.92 - 1|, each bin one third of the entities
        assertEquals((0.7 + 0.55 + 0.08) / 3, c.ece(), 1e-12);
    }

    @Test
    void mergedPartialsEqualOneCount() {
        ConfidenceThresholds a = new ConfidenceThresholds();
        ConfidenceThresholds b = new ConfidenceThresholds();
        ConfidenceThresholds all = new ConfidenceThresholds();
        a.add("x", List.of(e("p", 0.8, true)), 1);
        all.add("x", List.of(e("p", 0.8, true)), 1);
        b.add("y", List.of(e("q", 0.2, false)), 2);
        all.add("y", List.of(e("q", 0.2, false)), 2);
        b.add("x", List.of(e("r", 0.6, true)), 1);
        all.add("x", List.of(e("r", 0.6, true)), 1);
        a.merge(b);
        assertEquals(all.rows(List.of("x", "y")), a.rows(List.of("x", "y")));
        assertEquals(List.of("x", "y"), a.datasets());
    }

    @Test
    void entityConfidenceAggregations() {
        double[] p = {0.9, 0.5, Double.NaN, 0.8};
        assertEquals(0.45, EntityConfidence.PRODUCT.of(p, 0, 2), 1e-12);
        assertEquals(Math.sqrt(0.45), EntityConfidence.GEOMETRIC_MEAN.of(p, 0, 2), 1e-12);
        assertEquals(0.5, EntityConfidence.MINIMUM.of(p, 0, 2), 1e-12);
        assertNull(EntityConfidence.PRODUCT.of(p, 1, 3), "a word without a probability");
        assertNull(EntityConfidence.GEOMETRIC_MEAN.of(null, 0, 1));
    }
}
