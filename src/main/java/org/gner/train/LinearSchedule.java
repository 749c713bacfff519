package org.gner.train;

/**
 * HF's {@code get_linear_schedule_with_warmup}: the learning rate of optimiser step {@code step}
 * (0-based) rises linearly from 0 over {@code warmupSteps}, then falls linearly to 0 at {@code totalSteps}.
 */
public record LinearSchedule(double peak, int warmupSteps, int totalSteps) {

    /** Warm-up as a fraction of the total, rounded up as HF's {@code get_warmup_steps} does. */
    public static LinearSchedule withWarmupRatio(double peak, double warmupRatio, int totalSteps) {
        return new LinearSchedule(peak, (int) Math.ceil(totalSteps * warmupRatio), totalSteps);
    }

    public double rate(long step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
