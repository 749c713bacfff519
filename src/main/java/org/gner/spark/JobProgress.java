package org.gner.spark;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.gner.generate.PromptResult;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Progress of a generation job on stderr: rows done of the total and rows per second. In local mode
 * the executors are threads of the driver JVM, so they bump a JVM-wide counter after every batch and a
 * driver thread prints it every few seconds, and once more at the end; on a cluster Spark's own UI and
 * logs report progress.
 */
final class JobProgress implements AutoCloseable {
    /** Rows finished by tasks of this JVM (only meaningful to the driver in local mode). */
    static final AtomicLong LOCAL_DONE = new AtomicLong();
    /** Decoder passes (summed over rows) and output tokens of this JVM's tasks, for passes/token. */
    static final AtomicLong LOCAL_PASSES = new AtomicLong();
    static final AtomicLong LOCAL_TOKENS = new AtomicLong();

    private final Thread thread;

    private JobProgress(Thread thread) {
        this.thread = thread;
    }

    static void batchDone(LongAccumulator done, int rows) {
        done.add(rows);
        LOCAL_DONE.addAndGet(rows);
    }

    /** Adds a partition's generations to the passes/token figure. */
    static void decoded(List<PromptResult> results) {
        for (PromptResult r : results) {
            LOCAL_PASSES.addAndGet(r.decoderPasses());
            LOCAL_TOKENS.addAndGet(r.outputTokens());
        }
    }

    /**
     * Starts reporting in local mode; elsewhere returns a reporter that does nothing.
     *
     * @param total rows expected, or -1 when unknown
     */
    static JobProgress start(SparkContext sc, String job, String unit, long total, long intervalMillis) {
        if (!sc.isLocal() || total == 0) {
            return new JobProgress(null);
        }
        Reporter reporter = new Reporter(job, unit, total, LOCAL_DONE.get(), LOCAL_PASSES.get(), LOCAL_TOKENS.get(),
                System.nanoTime());
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(intervalMillis);
                    reporter.report(false);
                }
            } catch (InterruptedException e) {
                reporter.report(true);
            }
        }, "gner-progress");
        thread.setDaemon(true);
        thread.start();
        return new JobProgress(thread);
    }

    /** Stops reporting after a final line. */
    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Prints a line when the count moved since the previous one, and always the final one. */
    private static final class Reporter {
        private final String job;
        private final String unit;
        private final long total;
        private final long base;
        private final long basePasses;
        private final long baseTokens;
        private final long started;
        private long printed;

        Reporter(String job, String unit, long total, long base, long basePasses, long baseTokens, long started) {
            this.job = job;
            this.unit = unit;
            this.total = total;
            this.base = base;
            this.basePasses = basePasses;
            this.baseTokens = baseTokens;
            this.started = started;
        }

        void report(boolean last) {
            long done = LOCAL_DONE.get() - base;
            if (total > 0) {
                done = Math.min(total, done);
            }
            if (done == 0 || (done == printed && !last)) {
                return;
            }
            printed = done;
            double seconds = (System.nanoTime() - started) / 1e9;
            String count = total > 0 ? done + "/" + total : Long.toString(done);
            long tokens = LOCAL_TOKENS.get() - baseTokens;
            String passes = tokens == 0 ? ""
                    : String.format(Locale.ROOT, ", %.3f passes/token", (LOCAL_PASSES.get() - basePasses) / (double) tokens);
            System.err.printf(Locale.ROOT, "gner %s: %s %s (%.1f %s/s%s)%n", job, count, unit, done / seconds, unit,
                    passes);
        }
    }
}
