package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * File line numbers for rows scored with their line within their split (a partition of one file).
 * {@code zipWithIndex} would run a Spark job over the input just to count each split's lines, so the
 * input was read twice; here the counts come from one pass that also fills the scored rows' cache,
 * and each row is shifted by the lines of its file's earlier splits (a map from split to offset in a
 * UDF: a broadcast join with a table of the offsets cost ~15% of the whole job, measured).
 */
final class SplitLineNumbers {
    private SplitLineNumbers() {}

    /**
     * @param sentences {@link ScoredSentenceSchema#SCHEMA} rows, {@code line} the line in the file
     * @param errors    how many of them are error rows (counted in the same pass as the splits)
     */
    record Numbered(Dataset<Row> sentences, long errors) {}

    /** {@code scored} ({@link ScoredSentenceSchema#SCORING}, persisted: it is read twice), numbered. */
    static Numbered number(Dataset<Row> scored) {
        List<long[]> sizes = new ArrayList<>();
        long errors = 0;
        for (Row r : scored.groupBy("source_index", "split").agg(count(lit(1)), count(col("error"))).collectAsList()) {
            sizes.add(new long[] {r.getInt(0), r.getInt(1), r.getLong(2)});
            errors += r.getLong(3);
        }
        HashMap<Long, Long> offsets = new HashMap<>(); // by source << 32 | split
        for (long[] o : offsets(sizes)) {
            offsets.put(o[0] << 32 | o[1], o[2]);
        }
        UserDefinedFunction shift = udf((UDF3<Integer, Integer, Long, Long>) (source, split, line) ->
                line + offsets.get((long) source << 32 | split), DataTypes.LongType);
        Column[] columns = Arrays.stream(ScoredSentenceSchema.SCHEMA.fieldNames())
                .map(name -> name.equals("line")
                        ? shift.apply(col("source_index"), col("split"), col("line")).as("line")
                        : col(name))
                .toArray(Column[]::new);
        return new Numbered(scored.select(columns), errors);
    }

    /**
     * {@code [source, split, rows]} per non-empty split, in any order, to {@code [source, split, lines
     * before it in its file]}, ordered by source and split.
     */
    static List<long[]> offsets(List<long[]> sizes) {
        List<long[]> ordered = new ArrayList<>(sizes);
        ordered.sort(Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> s[1]));
        List<long[]> out = new ArrayList<>();
        long source = -1;
        long before = 0;
        for (long[] size : ordered) {
            if (size[0] != source) {
                source = size[0];
                before = 0;
            }
            out.add(new long[] {size[0], size[1], before});
            before += size[2];
        }
        return out;
    }
}
