package org.gner.report;

import java.util.Arrays;

/**
 * ΔF1 of a run against the baseline with its paired-bootstrap 95% percentile interval and two-sided
 * p-value. The p-value is {@code min(1, 2 (1 + k) / (B + 1))}, where k counts the resamples whose Δ is
 * on the other side of zero from the observed Δ (zero included) and B is the number of resamples;
 * an observed Δ of exactly 0 has p = 1.
 */
public record DeltaEstimate(double delta, double low, double high, double pValue, int resamples) {

    public static DeltaEstimate of(double observed, double[] resampled) {
        double[] sorted = resampled.clone();
        Arrays.sort(sorted);
        return new DeltaEstimate(observed, quantile(sorted, 0.025), quantile(sorted, 0.975),
                pValue(observed, sorted), sorted.length);
    }

    /** Significant at the 5% level: the interval excludes 0. */
    public boolean significant() {
        return low > 0 || high < 0;
    }

    static double pValue(double observed, double[] resampled) {
        if (observed == 0) {
            return 1.0;
        }
        long otherSide = Arrays.stream(resampled).filter(d -> observed > 0 ? d <= 0 : d >= 0).count();
        return Math.min(1.0, 2.0 * (1 + otherSide) / (resampled.length + 1));
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
