package org.gner.spark;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * Test hook that makes one task fail once, part-way through its output, so tests can show that a
 * retried task writes the same output. Set {@code spark.gner.test.failOnceAtPartition} (or the system
 * property {@code gner.test.failOnceAtPartition}) to a partition index; needs a master that retries
 * tasks, e.g. {@code local[2,2]}.
 */
final class FaultInjection {
    static final String CONF = "spark.gner.test.failOnceAtPartition";
    static final String PROPERTY = "gner.test.failOnceAtPartition";

    /**
     * Crash-test hook: with this system property set to a partition index k, the tasks of partitions
     * k and above touch the file named by {@link #STALL_MARKER} and block until the JVM is killed,
     * while lower partitions finish and write their output.
     */
    static final String STALL_FROM = "gner.test.stallFromPartition";
    static final String STALL_MARKER = "gner.test.stallMarker";

    private FaultInjection() {}

    static void maybeStall() {
        String from = System.getProperty(STALL_FROM);
        TaskContext task = TaskContext.get();
        if (from == null || task == null || task.partitionId() < Integer.parseInt(from.trim())) {
            return;
        }
        try {
            java.nio.file.Path marker = java.nio.file.Path.of(System.getProperty(STALL_MARKER));
            java.nio.file.Files.writeString(marker, "stalled in partition " + task.partitionId() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Thread.sleep(Long.MAX_VALUE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stalled task interrupted", e);
        }
    }

    static int partitionToFail(SparkSession spark) {
        String value = spark.conf().get(CONF, System.getProperty(PROPERTY, "-1"));
        return Integer.parseInt(value.trim());
    }

    /**
     * {@code rows}, or rows that throw after {@code failAt} of them (or at their end, if fewer) on the
     * first attempt of the chosen partition.
     */
    static <T> Iterator<T> maybeFailAfter(Iterator<T> rows, int failAt, int failPartition) {
        TaskContext task = TaskContext.get();
        if (failPartition < 0 || task == null || task.partitionId() != failPartition || task.attemptNumber() > 0) {
            return rows;
        }
        return new Iterator<>() {
            private int emitted;

            @Override
            public boolean hasNext() {
                return emitted <= failAt;
            }

            @Override
            public T next() {
                if (emitted == failAt || !rows.hasNext()) {
                    throw new IllegalStateException("injected failure in partition " + failPartition
                            + " (" + CONF + ")");
                }
                emitted++;
                return rows.next();
            }
        };
    }
}
