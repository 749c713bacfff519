package org.gner.metrics;

/** Precision, recall and F1 with GNER's smoothing: c/(p+1e-10), c/(g+1e-10), 2PR/(P+R+1e-10). */
public record Prf(double precision, double recall, double f1) {
    private static final double EPSILON = 1e-10;

    public static Prf of(long correct, long predicted, long gold) {
        double precision = correct / (predicted + EPSILON);
        double recall = correct / (gold + EPSILON);
        double f1 = 2 * precision * recall / (precision + recall + EPSILON);
        return new Prf(precision, recall, f1);
    }
}
