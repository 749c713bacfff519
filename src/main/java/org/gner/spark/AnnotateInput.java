package org.gner.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code annotate}'s input as rows {@code (id, text, error)} keyed by their position in the input:
 * <ul>
 *   <li>{@code text}: every line of the file (or of every file of a folder, in name order) is one
 *       document;</li>
 *   <li>{@code jsonl}: every line is {@code {"id": ..., "text": ...}} (field names from
 *       {@code --id-column} and {@code --text-column}); a line that is not such an object becomes a row
 *       with an error;</li>
 *   <li>{@code parquet}: the text column (required) and the id column (cast to string).</li>
 * </ul>
 * A document without an id gets its {@link #reference}: the 1-based line (text, JSONL) or 0-based row
 * index (Parquet) in its file, prefixed by the file name when the input has several files.
 * {@code auto} picks the format by {@link #detectFormat}. Positions follow the input order, which is
 * deterministic for the same files.
 */
final class AnnotateInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnotateInput() {}

    /**
     * The one format rule of annotate and --incremental: {@code format} unless auto; auto is parquet for
     * a {@code .parquet} path, jsonl for {@code .jsonl}/{@code .json}, and for a folder by its files:
     * parquet when it holds .parquet files, jsonl when it holds .jsonl or .json files; else text.
     */
    static String detectFormat(SparkSession spark, String input, String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("auto")) {
            if (!List.of("text", "jsonl", "parquet").contains(f)) {
                throw new IllegalArgumentException("--input-format must be auto, text, jsonl or parquet, not " + format);
            }
            return f;
        }
        String name = input.toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return "parquet";
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return "jsonl";
        }
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(path) && fs.getFileStatus(path).isDirectory()) {
                List<String> names = Arrays.stream(fs.listStatus(path)).map(s -> s.getPath().getName())
                        .filter(n -> !n.startsWith(".") && !n.startsWith("_")).toList();
                if (names.stream().anyMatch(n -> n.endsWith(".parquet"))) {
                    return "parquet";
                }
                if (names.stream().anyMatch(n -> n.endsWith(".jsonl") || n.endsWith(".json"))) {
                    return "jsonl";
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + input + ": " + e.getMessage(), e);
        }
        return "text";
    }

    /** Rows {@code (id, text, error)} keyed by input position. */
    static JavaPairRDD<Long, Row> read(SparkSession spark, String input, String format, String idColumn,
            String textColumn) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (format.equals("parquet")) {
            return parquet(spark, input, idColumn, textColumn);
        }
        List<String> files = InputFiles.list(spark, input, "documents");
        JavaRDD<Row> rows = null;
        for (String file : files) {
            String name = files.size() == 1 ? null : new Path(file).getName();
            boolean jsonl = format.equals("jsonl");
            JavaRDD<Row> lines = jsc.textFile(file).zipWithIndex().map(t -> jsonl
                    ? jsonRow(t._1(), reference(name, t._2() + 1), idColumn, textColumn)
                    : RowFactory.create(reference(name, t._2() + 1), t._1(), null));
            rows = rows == null ? lines : rows.union(lines);
        }
        return rows.zipWithIndex().mapToPair(t -> new scala.Tuple2<>(t._2(), t._1()));
    }

    /**
     * The id of a document without one: its number in its file (1-based line, or 0-based Parquet row),
     * {@code <file name>:<number>} when the file is one of several (an incremental folder always is).
     */
    static String reference(String fileNameOrNull, long number) {
        return fileNameOrNull == null ? String.valueOf(number) : fileNameOrNull + ":" + number;
    }

    static Row jsonRow(String line, String lineRef, String idColumn, String textColumn) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (Exception e) {
            return RowFactory.create(lineRef, null, "line " + lineRef + ": not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return RowFactory.create(lineRef, null, "line " + lineRef + ": not a JSON object");
        }
        JsonNode id = node.get(idColumn);
        String idText = id == null || id.isNull() ? lineRef : id.isValueNode() ? id.asText() : id.toString();
        JsonNode text = node.get(textColumn);
        if (text == null || !text.isTextual()) {
            return RowFactory.create(idText, null, "line " + lineRef + ": no string field '" + textColumn + "'");
        }
        return RowFactory.create(idText, text.asText(), null);
    }

    /**
     * Parquet rows, and one error row per file that cannot be read (a truncated or corrupt part file:
     * its footer does not open), after the readable files' rows, so the rest is still annotated.
     */
    private static JavaPairRDD<Long, Row> parquet(SparkSession spark, String input, String idColumn,
            String textColumn) {
        List<String> files = InputFiles.list(spark, input, "documents").stream()
                .filter(f -> new Path(f).getName().endsWith(".parquet")).toList();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .parquet files in " + input);
        }
        ParquetFiles opened = ParquetFiles.open(spark, files);
        List<Row> unreadable = opened.unreadable().entrySet().stream()
                .map(e -> RowFactory.create(new Path(e.getKey()).getName(), null, e.getValue())).toList();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = opened.readable().isEmpty() ? jsc.emptyRDD()
                : parquetRows(spark.read().parquet(opened.readable().toArray(String[]::new)), input, idColumn,
                        textColumn, files.size() > 1);
        return rows.union(jsc.parallelize(unreadable, 1)).zipWithIndex()
                .mapToPair(t -> new scala.Tuple2<>(t._2(), t._1()));
    }

    /**
     * Parquet files split by whether their footer opens: the readable ones in order, and per unreadable
     * file (a truncated or corrupt part file) its error, {@code cannot read Parquet file <name>: <why>}.
     */
    record ParquetFiles(List<String> readable, java.util.Map<String, String> unreadable) {
        static ParquetFiles open(SparkSession spark, List<String> files) {
            List<String> readable = new java.util.ArrayList<>();
            java.util.Map<String, String> unreadable = new java.util.LinkedHashMap<>();
            for (String file : files) {
                String problem = footerProblem(spark, file);
                if (problem == null) {
                    readable.add(file);
                } else {
                    unreadable.put(file, "cannot read Parquet file " + new Path(file).getName() + ": " + problem);
                }
            }
            return new ParquetFiles(readable, unreadable);
        }
    }

    /** Why a Parquet file's footer cannot be read, or null when it can. */
    private static String footerProblem(SparkSession spark, String file) {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new Path(file), conf))) {
            reader.getFooter();
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** The columns of Parquet rows read from {@code input}, which must hold {@code textColumn}. */
    static List<String> requireTextColumn(Dataset<Row> rows, String input, String textColumn) {
        List<String> columns = List.of(rows.schema().fieldNames());
        if (!columns.contains(textColumn)) {
            throw new IllegalArgumentException(input + " has no text column '" + textColumn + "' (columns: "
                    + String.join(", ", columns) + "); choose one with --text-column");
        }
        return columns;
    }

    private static JavaRDD<Row> parquetRows(Dataset<Row> df, String input, String idColumn, String textColumn,
            boolean severalFiles) {
        List<String> columns = requireTextColumn(df, input, textColumn);
        boolean hasId = columns.contains(idColumn);
        Dataset<Row> selected = df.select(hasId ? df.col(idColumn).cast("string")
                        : org.apache.spark.sql.functions.lit(null).cast("string"), df.col(textColumn).cast("string"),
                df.col("_metadata.file_name"), df.col("_metadata.row_index"));
        return selected.toJavaRDD().map(r -> RowFactory.create(!r.isNullAt(0) ? r.getString(0)
                : reference(severalFiles ? r.getString(2) : null, r.getLong(3)), r.getString(1), null));
    }
}
