package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The incremental {@code annotate}'s input: a folder read with Structured Streaming's file source,
 * which lists the folder, remembers in its checkpoint which files it has handed out and batches new
 * ones ({@code maxFilesPerTrigger}). Each micro-batch of files becomes documents
 * {@code (id, text, error, source_file, row, content_sha256)}:
 * <ul>
 *   <li>text: every line of a file is a document, id {@code <file name>:<line>} (1-based);</li>
 *   <li>jsonl: every line is {@code {"id": ..., "text": ...}}, read as {@code annotate} reads it (a bad
 *       line becomes a document with an error);</li>
 *   <li>parquet: a row, its id from the id column, else {@code <file name>:<row index>}.</li>
 * </ul>
 * {@code row} is the document's 0-based position in its file. Text and JSONL files are read whole
 * (one file per record), so each must fit in an executor's memory; line numbers need that.
 */
final class StreamedDocuments {
    static final StructType SCHEMA = createStructType(List.of(
            createStructField("id", StringType, true),
            createStructField("text", StringType, true),
            createStructField("error", StringType, true),
            createStructField("source_file", StringType, false),
            createStructField("row", LongType, false),
            createStructField("content_sha256", StringType, true)));

    /** The row of an error document that stands for a whole file (a Parquet file that cannot be read). */
    static final long WHOLE_FILE = -1;

    private StreamedDocuments() {}

    /** The format of an incremental input folder ({@link AnnotateInput#detectFormat}, once it is a folder). */
    static String detectFormat(SparkSession spark, String folder, String format) {
        listFolder(spark, folder);
        return AnnotateInput.detectFormat(spark, folder, format);
    }

    static FileStatus[] listFolder(SparkSession spark, String folder) {
        try {
            Path path = new Path(folder);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path) || !fs.getFileStatus(path).isDirectory()) {
                throw new IllegalArgumentException("--incremental reads a folder that new files land in; " + folder
                        + " is " + (fs.exists(path) ? "a file" : "missing"));
            }
            return fs.listStatus(path, p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The streaming source: one record per file, {@code (value, source_file)} for text and JSONL, and
     * {@code (source_file)} alone for Parquet (the file listing, its content unread): each micro-batch's
     * Parquet files are opened by {@link #documents}, so that a file that cannot be read (a truncated part
     * file) becomes one error document instead of failing the stream.
     */
    static Dataset<Row> stream(SparkSession spark, String folder, String format, int maxFilesPerTrigger) {
        var reader = spark.readStream();
        if (maxFilesPerTrigger > 0) {
            reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
        }
        if (!format.equals("parquet")) {
            return reader.option("wholetext", "true").format("text").load(folder)
                    .select(col("value"), col("_metadata.file_path").as("source_file"));
        }
        // binaryFile reads a file's bytes only when its content column is asked for
        StructType binaryFile = new StructType().add("path", "string").add("modificationTime", "timestamp")
                .add("length", "long").add("content", "binary"); // the binaryFile source's fixed schema
        return reader.format("binaryFile").schema(binaryFile).option("pathGlobFilter", "*.parquet").load(folder)
                .select(col("path").as("source_file"));
    }

    /**
     * The documents of Parquet {@code files}: their rows, then one error document per file whose footer does
     * not open (id its file name, row {@link #WHOLE_FILE}).
     */
    private static Dataset<Row> parquetDocuments(SparkSession spark, List<String> files, String idColumn,
            String textColumn) {
        AnnotateInput.ParquetFiles opened = AnnotateInput.ParquetFiles.open(spark, files);
        List<String> readable = opened.readable();
        List<Row> unreadable = opened.unreadable().entrySet().stream()
                .map(e -> RowFactory.create(new Path(e.getKey()).getName(), null, e.getValue(), e.getKey(), WHOLE_FILE,
                        null)).toList();
        Dataset<Row> errors = spark.createDataFrame(unreadable, SCHEMA);
        if (readable.isEmpty()) {
            return errors;
        }
        Dataset<Row> rows = spark.read().parquet(readable.toArray(String[]::new));
        AnnotateInput.requireTextColumn(rows, String.join(", ", readable), textColumn);
        // every document names its file as the listing did, whatever form Parquet's file metadata takes
        java.util.HashMap<String, String> listed = new java.util.HashMap<>();
        readable.forEach(f -> listed.put(new Path(f).toUri().getPath(), f));
        Dataset<Row> documents = parquetRecords(rows, idColumn, textColumn).map(
                (org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
                    String file = listed.getOrDefault(new Path(r.getString(2)).toUri().getPath(), r.getString(2));
                    long row = r.getLong(3);
                    String id = r.isNullAt(0) ? AnnotateInput.reference(new Path(file).getName(), row) : r.getString(0);
                    String text = r.getString(1);
                    return RowFactory.create(id, text, text == null ? "row " + id + ": no text" : null, file, row,
                            sha256(text));
                }, Encoders.row(SCHEMA));
        return documents.unionAll(errors);
    }

    /** {@code (id or null, text, source_file, row)} of Parquet rows. */
    private static Dataset<Row> parquetRecords(Dataset<Row> rows, String idColumn, String textColumn) {
        List<String> columns = List.of(rows.schema().fieldNames());
        return rows.select(columns.contains(idColumn) ? col(idColumn).cast("string").as("id")
                        : org.apache.spark.sql.functions.lit(null).cast("string").as("id"),
                col(textColumn).cast("string").as("text"), col("_metadata.file_path").as("source_file"),
                col("_metadata.row_index").as("row"));
    }

    /** {@code files} read in one batch, in the stream's record shape (see {@link #stream}). */
    static Dataset<Row> reread(SparkSession spark, List<String> files, String format) {
        if (!format.equals("parquet")) {
            return spark.read().option("wholetext", "true").text(files.toArray(String[]::new))
                    .select(col("value"), col("_metadata.file_path").as("source_file"));
        }
        return spark.createDataset(files, Encoders.STRING()).toDF("source_file");
    }

    /** A micro-batch of the stream as documents ({@link #SCHEMA}); Parquet files are opened here (driver). */
    static Dataset<Row> documents(Dataset<Row> batch, String format, String idColumn, String textColumn) {
        if (format.equals("parquet")) {
            List<String> files = batch.select("source_file").as(Encoders.STRING()).collectAsList();
            return parquetDocuments(batch.sparkSession(), files, idColumn, textColumn);
        }
        boolean jsonl = format.equals("jsonl");
        return batch.flatMap((FlatMapFunction<Row, Row>) r -> lines(r.getString(0), r.getString(1), jsonl,
                idColumn, textColumn), Encoders.row(SCHEMA));
    }

    private static Iterator<Row> lines(String content, String file, boolean jsonl, String idColumn,
            String textColumn) {
        String name = new Path(file).getName();
        List<Row> out = new ArrayList<>();
        Iterator<String> lines = content.lines().iterator();
        for (long row = 0; lines.hasNext(); row++) {
            String line = lines.next();
            String ref = AnnotateInput.reference(name, row + 1);
            Row doc = jsonl ? AnnotateInput.jsonRow(line, ref, idColumn, textColumn) : RowFactory.create(ref, line, null);
            out.add(RowFactory.create(doc.getString(0), doc.getString(1), doc.getString(2), file, row,
                    sha256(doc.getString(1))));
        }
        return out.iterator();
    }

    /** Hex SHA-256 of the UTF-8 text; null for no text. */
    static String sha256(String text) {
        if (text == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
