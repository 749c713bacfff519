package org.gner.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Progress of a generation job on stderr: rows done of the total and rows per second. In local mode
 * the executors are threads of the driver JVM, so they bump a JVM-wide counter after every batch and a
 * driver thread prints it every few seconds; on a cluster Spark's own UI and logs report progress.
 */
final class JobProgress implements AutoCloseable {
    /** Rows finished by tasks of this JVM (only meaningful to the driver in local mode). */
    static final AtomicLong LOCAL_DONE = new AtomicLong();

    private final Thread thread;
    private volatile boolean stopped;

    private JobProgress(Thread thread) {
        this.thread = thread;
    }

    static void batchDone(LongAccumulator done, int rows) {
        done.add(rows);
        LOCAL_DONE.addAndGet(rows);
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
        long base = LOCAL_DONE.get();
        long started = System.nanoTime();
        PrintStream err = System.err;
        JobProgress[] self = new JobProgress[1];
        Thread thread = new Thread(() -> {
            long last = -1;
            while (!self[0].stopped) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                long done = LOCAL_DONE.get() - base;
                if (total > 0) {
                    done = Math.min(total, done);
                }
                if (done != last && done > 0 && !self[0].stopped) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    String count = total > 0 ? done + "/" + total : Long.toString(done);
                    err.printf(Locale.ROOT, "gner %s: %s %s (%.1f %s/s)%n", job, count, unit, done / seconds, unit);
                    last = done;
                }
            }
        }, "gner-progress");
        thread.setDaemon(true);
        self[0] = new JobProgress(thread);
        thread.start();
        return self[0];
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
