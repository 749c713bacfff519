package org.gner.spark;

import org.apache.spark.Partitioner;

/**
 * Deals rows keyed by their input position out like cards: position p goes to partition p mod n. Every
 * partition gets the same number of rows (give or take one) and a mix of the whole input (all datasets,
 * short and long prompts), so the tasks take about the same time; the assignment depends on the
 * positions only, so a retried task gets the very same rows.
 */
final class StridedPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    StridedPartitioner(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (int) Math.floorMod((Long) key, (long) partitions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StridedPartitioner s && s.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }

    /** About two partitions per task slot, never more than there are rows. */
    static int partitionsFor(int defaultParallelism, long rows) {
        return (int) Math.max(1, Math.min(rows, 2L * Math.max(1, defaultParallelism)));
    }
}
