package org.gner.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * Test hook that makes one task fail once, half-way through its output, so tests can show that a
 * retried task writes the same output. Set {@code spark.gner.test.failOnceAtPartition} (or the system
 * property {@code gner.test.failOnceAtPartition}) to a partition index; needs a master that retries
 * tasks, e.g. {@code local[2,2]}.
 */
final class FaultInjection {
    static final String CONF = "spark.gner.test.failOnceAtPartition";
    static final String PROPERTY = "gner.test.failOnceAtPartition";

    private FaultInjection() {}

    static int partitionToFail(SparkSession spark) {
        String value = spark.conf().get(CONF, System.getProperty(PROPERTY, "-1"));
        return Integer.parseInt(value.trim());
    }

    /** {@code rows}, or rows that throw after half of them on the first attempt of the chosen partition. */
    static <T> Iterator<T> maybeFailHalfWay(Iterator<T> rows, int size, int failPartition) {
        TaskContext task = TaskContext.get();
        if (failPartition < 0 || task == null || task.partitionId() != failPartition || task.attemptNumber() > 0) {
            return rows;
        }
        int failAt = size / 2;
        return new Iterator<>() {
            private int emitted;

            @Override
            public boolean hasNext() {
                return emitted < failAt || rows.hasNext();
            }

            @Override
            public T next() {
                if (emitted == failAt) {
                    throw new IllegalStateException("injected failure in partition " + failPartition
                            + " (" + CONF + ")");
                }
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                emitted++;
                return rows.next();
            }
        };
    }
}
