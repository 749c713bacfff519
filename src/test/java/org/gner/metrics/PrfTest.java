package org.gner.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are CPython 3.11 evaluations of GNER's formula, compared bit for bit. */
class PrfTest {

    @Test
    void smoothedFormula() {
        assertEquals(new Prf(0.499999999975, 0.3333333333222222, 0.399999999936), Prf.of(1, 2, 3));
        assertEquals(new Prf(0.99999999995, 0.99999999995, 0.9999999999), Prf.of(2, 2, 2));
    }

    @Test
    void zeroCountsGiveZeroNotNaN() {
        assertEquals(new Prf(0.0, 0.0, 0.0), Prf.of(0, 0, 0));
        assertEquals(new Prf(0.0, 0.0, 0.0), Prf.of(0, 1, 0));
    }
}
