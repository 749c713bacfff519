package org.gner.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * File line numbers for scored rows numbered within their partition. {@code zipWithIndex} would run
 * a Spark job over the input just to count each partition's lines, so the input was read twice; here
 * the rows are cached as they are scored, the counts come from the cache, and each partition's rows
 * are shifted by the lines of the same file's earlier partitions.
 */
final class PartitionLineNumbers {
    private PartitionLineNumbers() {}

    /**
     * {@code rows} (ScoredSentenceSchema; {@code line} within the partition; a file's partitions in
     * order, one file per partition) with {@code line} as the file's line number. {@code rows} must
     * be persisted: it is read twice.
     */
    static JavaRDD<Row> number(JavaRDD<Row> rows) {
        long[] offsets = offsets(rows.mapPartitionsWithIndex(PartitionLineNumbers::sizeOf, false).collect());
        return rows.mapPartitionsWithIndex((partition, it) -> shifted(it, offsets[partition]), true);
    }

    /** {@code [partition, source index or -1 when empty, rows]}. */
    private static Iterator<long[]> sizeOf(int partition, Iterator<Row> rows) {
        long count = 0;
        long source = -1;
        while (rows.hasNext()) {
            source = rows.next().getInt(ScoredSentenceSchema.SOURCE_INDEX);
            count++;
        }
        return List.of(new long[] {partition, source, count}).iterator();
    }

    /** Lines before each partition in its own file; a new source index starts again at 0. */
    static long[] offsets(List<long[]> sizes) {
        List<long[]> ordered = new ArrayList<>(sizes);
        ordered.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] offsets = new long[ordered.size()];
        long source = -1;
        long before = 0;
        for (long[] size : ordered) {
            if (size[1] >= 0 && size[1] != source) {
                source = size[1];
                before = 0;
            }
            offsets[(int) size[0]] = before;
            before += size[2];
        }
        return offsets;
    }

    private static Iterator<Row> shifted(Iterator<Row> rows, long offset) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                Object[] values = new Object[row.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = row.get(i);
                }
                values[ScoredSentenceSchema.LINE] = row.getLong(ScoredSentenceSchema.LINE) + offset;
                return RowFactory.create(values);
            }
        };
    }
}
