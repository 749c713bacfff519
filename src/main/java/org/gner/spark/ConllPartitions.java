package org.gner.spark;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Where each partition of a CoNLL file's lines stands in the file, worked out on the driver from a few
 * numbers per partition ({@link Summary}), so that an executor numbers lines and sentences without seeing
 * the partitions before its own.
 */
final class ConllPartitions {
    private ConllPartitions() {}

    /**
     * One partition's lines: how many, whether the first and last are sentence breaks, how many
     * non-break lines follow a break or open the partition, and the first malformed line (0-based within
     * the partition, -1 when none; the partition was not read past it).
     */
    record Summary(int partition, long lines, boolean firstBreak, boolean lastBreak, long opened, long errorAt,
            String errorReason) {
        Row row() {
            return RowFactory.create(partition, lines, firstBreak, lastBreak, opened, errorAt, errorReason);
        }

        static Summary of(Row r) {
            return new Summary(r.getInt(0), r.getLong(1), r.getBoolean(2), r.getBoolean(3), r.getLong(4),
                    r.getLong(5), r.getString(6));
        }
    }

    /**
     * @param firstLine lines of the file before the partition
     * @param sentencesBefore sentences that start before the partition
     * @param afterBreak the line before the partition is a break, or there is none
     * @param beforeBreak the line after the partition is a break, or there is none
     */
    record Placement(long firstLine, long sentencesBefore, boolean afterBreak, boolean beforeBreak)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** @param errorLine the 1-based file line of the first malformed line, 0 when none */
    record Layout(Placement[] placements, long sentences, long errorLine, String errorReason) {}

    static Layout layout(List<Summary> summaries) {
        List<Summary> ordered = summaries.stream().sorted(Comparator.comparingInt(Summary::partition)).toList();
        Placement[] placements = new Placement[ordered.size()];
        long lines = 0;
        long sentences = 0;
        boolean afterBreak = true;
        for (Summary s : ordered) {
            if (s.errorAt() >= 0) {
                return new Layout(placements, sentences, lines + s.errorAt() + 1, s.errorReason());
            }
            placements[s.partition()] = new Placement(lines, sentences, afterBreak, true);
            if (s.lines() > 0) {
                boolean continues = !afterBreak && !s.firstBreak();
                sentences += s.opened() - (continues ? 1 : 0);
                lines += s.lines();
                afterBreak = s.lastBreak();
            }
        }
        boolean beforeBreak = true;
        for (int p = ordered.size() - 1; p >= 0; p--) {
            Placement at = placements[p];
            placements[p] = new Placement(at.firstLine(), at.sentencesBefore(), at.afterBreak(), beforeBreak);
            if (ordered.get(p).lines() > 0) {
                beforeBreak = ordered.get(p).firstBreak();
            }
        }
        return new Layout(placements, sentences, 0, null);
    }
}
