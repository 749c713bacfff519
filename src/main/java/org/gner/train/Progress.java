package org.gner.train;

import java.time.Duration;

/** Steps/s, tokens/s and the ETA since this process started training. */
final class Progress {
    private final long totalSteps;
    private final long firstStep;
    private final long startNanos = System.nanoTime();
    private long steps;
    private long tokens;

    Progress(long totalSteps, long firstStep) {
        this.totalSteps = totalSteps;
        this.firstStep = firstStep;
    }

    void add(int batchTokens) {
        steps++;
        tokens += batchTokens;
    }

    String line(TrainerState state, double loss, double lr, int batchesInEpoch) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double stepsPerSecond = steps / seconds;
        long left = Math.max(0, totalSteps - firstStep - steps);
        Duration eta = Duration.ofSeconds(Math.round(left / Math.max(1e-9, stepsPerSecond)));
        return String.format("step %d/%d epoch %d batch %d/%d loss %.4f lr %.3g | %.2f steps/s %.0f tokens/s | ETA %s",
                state.step(), totalSteps, state.epoch() + 1, state.nextBatch(), batchesInEpoch, loss, lr,
                stepsPerSecond, tokens / seconds, format(eta));
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
