package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code annotate --incremental}: labels only the files that arrived in the input folder since the
 * last run, into a Delta table, then stops ({@code Trigger.AvailableNow}), for cron or Airflow. The
 * streaming checkpoint {@code <table>/_gner_checkpoint} records which files were consumed; each
 * micro-batch is one Delta commit, so a killed run leaves nothing visible and the next run redoes the
 * batch it was in. A document whose id is in the table with the same text hash is skipped; with new
 * text its rows are replaced; {@code retryErrors} also redoes documents whose rows carry an error,
 * read again from their source files.
 * Each run writes {@code <table>/_gner_runs/<run_id>.json}.
 */
public final class IncrementalAnnotateJob {
    static final String CHECKPOINT = "_gner_checkpoint";
    static final String RUNS = "_gner_runs";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param maxFilesPerTrigger files per micro-batch (0: all new files in one batch)
     * @param retryErrors        re-annotate documents whose rows carry an error, even with the same text
     */
    public record Options(AnnotateJob.Options annotate, int maxFilesPerTrigger, boolean retryErrors) {}

    /**
     * What one run did. {@code superseded}: documents replaced by a later copy of the same id in the
     * same run; {@code retried}: documents with errors read again from their files ({@code --retry-errors});
     * {@code failed}: documents of this run with an error row.
     */
    public record Result(String runId, long batches, long files, long documents, long added, long updated,
            long skipped, long superseded, long retried, long failed, long sentences, long entities, long versionBefore,
            long versionAfter, double wallSeconds, Map<String, Integer> modelLoads) {}

    private IncrementalAnnotateJob() {}

    public static Result run(SparkSession spark, Options options) {
        long started = System.nanoTime();
        AnnotateJob.Options given = options.annotate();
        if (given.overwrite()) {
            throw new IllegalArgumentException("--overwrite cannot be combined with --incremental: the table keeps"
                    + " what earlier runs annotated (delete " + given.output() + " to start over)");
        }
        ModelRun model = ModelRun.prepare(spark, given.model(), given.device(), given.dtype(), given.decoding());
        AnnotateJob.Options o = given.withDecoding(model.decoding());
        String format = StreamedDocuments.detectFormat(spark, o.input(), o.inputFormat());
        AnnotationTable table = new AnnotationTable(spark, o.output());
        table.ensureExists();
        long versionBefore = table.version();
        String runId = UUID.randomUUID().toString();
        BatchWriter writer = new BatchWriter(spark, table, o, format, options.retryErrors(), runId,
                model.spec(), model.loads());
        Dataset<Row> stream = StreamedDocuments.stream(spark, o.input(), format, options.maxFilesPerTrigger());
        try {
            StreamingQuery query = stream.writeStream()
                    .queryName("gner-annotate-incremental")
                    .trigger(Trigger.AvailableNow())
                    .option("checkpointLocation", new Path(o.output(), CHECKPOINT).toString())
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) writer::write)
                    .start();
            query.awaitTermination();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the input stream did not start: " + e.getMessage(), e);
        } catch (StreamingQueryException e) {
            Throwable cause = e.cause() != null ? e.cause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        }
        if (options.retryErrors()) {
            writer.retryErrors();
        }
        Row totals = table.read().filter(col("run_id").equalTo(runId)).agg(
                sum(when(size(col("words")).gt(0), 1L).otherwise(0L)).as("sentences"),
                sum(when(col("entities").isNotNull(), size(col("entities"))).otherwise(0)).as("entities"),
                countDistinct(when(col("error").isNotNull(), col("id"))).as("failed"),
                sum("output_tokens").as("output_tokens"), sum("decoder_passes").as("passes"),
                sum("accepted_drafts").as("accepted"), count(lit(1)).as("rows")).first();
        long versionAfter = table.version();
        double wall = (System.nanoTime() - started) / 1e9;
        BatchWriter.Counts c = writer.counts;
        Result result = new Result(runId, c.batches, c.files, c.documents, c.added, c.updated, c.skipped,
                c.superseded, c.retried, AnnotateJob.longOrZero(totals, "failed"), AnnotateJob.longOrZero(totals, "sentences"),
                AnnotateJob.longOrZero(totals, "entities"), versionBefore,
                versionAfter, wall, model.modelLoads());
        RunReport run = model.report("annotate-incremental")
                .passes(AnnotateJob.longOrZero(totals, "passes"), AnnotateJob.longOrZero(totals, "output_tokens"), AnnotateJob.longOrZero(totals, "accepted"))
                .spark(spark, 0, model.loads().value());
        ObjectNode root = run.root();
        root.put("run_id", runId);
        root.putObject("input").put("path", o.input()).put("format", format)
                .put("labels", String.join(",", o.labels())).put("max_words_per_sentence", o.maxWords())
                .put("max_files_per_trigger", options.maxFilesPerTrigger())
                .put("retry_errors", options.retryErrors());
        RunReport.confidence(root, o.minConfidence(), model.checkpoint().dir());
        root.putObject("table").put("path", o.output()).put("version_before", versionBefore)
                .put("version_after", versionAfter);
        root.put("batches", c.batches).put("files", c.files).put("documents", c.documents).put("new", c.added)
                .put("updated", c.updated).put("skipped", c.skipped).put("superseded", c.superseded).put("retried", c.retried)
                .put("failed", result.failed()).put("sentences_written", result.sentences())
                .put("rows_written", AnnotateJob.longOrZero(totals, "rows")).put("entities", result.entities());
        run.timing(started, c.added + c.updated + c.retried, result.sentences(), AnnotateJob.longOrZero(totals, "output_tokens"));
        writeRunJson(spark, o.output(), runId, root);
        return result;
    }

    private static void writeRunJson(SparkSession spark, String table, String runId, ObjectNode root) {
        Path file = new Path(new Path(table, RUNS), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + "-" + runId + ".json");
        try {
            FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write((JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The foreachBatch body: classify the batch's documents against the table, annotate, commit once. */
    private static final class BatchWriter {
        /** Running totals over the run's micro-batches (driver side). */
        static final class Counts {
            long batches;
            long files;
            long documents;
            long added;
            long updated;
            long skipped;
            long superseded;
            long retried;
        }

        final Counts counts = new Counts();
        private String queryAppId; // read from the checkpoint at the first batch
        private final SparkSession spark;
        private final AnnotationTable table;
        private final AnnotateJob.Options options;
        private final String format;
        private final boolean retryErrors;
        private final String runId;
        private final GenerationSpec spec;
        private final CollectionAccumulator<String> loads;

        BatchWriter(SparkSession spark, AnnotationTable table, AnnotateJob.Options options, String format,
                boolean retryErrors, String runId, GenerationSpec spec, CollectionAccumulator<String> loads) {
            this.spark = spark;
            this.table = table;
            this.options = options;
            this.format = format;
            this.retryErrors = retryErrors;
            this.runId = runId;
            this.spec = spec;
            this.loads = loads;
        }

        /** A micro-batch of new files. */
        void write(Dataset<Row> batch, long batchId) {
            counts.batches++;
            commit(StreamedDocuments.documents(batch, format, options.idColumn(), options.textColumn()), false,
                    appId(), batchId, List.of());
        }

        /**
         * {@code --retry-errors}: the documents whose rows carry an error, read again from their source files
         * (those still there) and annotated again, in one commit.
         */
        void retryErrors() {
            List<Row> failed = table.read().filter(col("error").isNotNull()).select("source_file", "row").distinct()
                    .collectAsList();
            if (failed.isEmpty()) {
                return;
            }
            List<String> files = failed.stream().map(r -> r.getString(0)).distinct().filter(this::exists).toList();
            if (files.isEmpty()) {
                return;
            }
            Dataset<Row> wanted = spark.createDataFrame(failed, new org.apache.spark.sql.types.StructType()
                    .add("_retry_file", "string").add("_retry_row", "long"));
            Dataset<Row> all = StreamedDocuments.documents(StreamedDocuments.reread(spark, files, format), format,
                    options.idColumn(), options.textColumn()).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Dataset<Row> docs = all.join(wanted, all.col("source_file").equalTo(col("_retry_file"))
                        .and(all.col("row").equalTo(col("_retry_row"))
                                .or(col("_retry_row").equalTo(StreamedDocuments.WHOLE_FILE))), "left_semi");
                // a file that could not be read before and reads now: its error row gives way to its documents
                List<String> readNow = docs.filter(col("row").notEqual(StreamedDocuments.WHOLE_FILE))
                        .select("source_file").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
                List<String> wholeFileErrors = table.read().filter(col("error").isNotNull()
                                .and(col("row").equalTo(StreamedDocuments.WHOLE_FILE)).and(col("source_file").isin(
                                        readNow.toArray())))
                        .select("id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
                commit(docs, true, "gner-annotate-retry-" + runId, 0, wholeFileErrors);
            } finally {
                all.unpersist(false);
            }
        }

        private boolean exists(String file) {
            try {
                Path p = new Path(file);
                return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /**
         * Classifies documents against the table (new, updated, skipped: same id and text hash, or
         * superseded by a later copy of the same id here; {@code redo}: every known id is updated),
         * annotates the new and updated ones and commits them with the old rows of the updated ones
         * deleted (and the rows of the ids {@code alsoDelete}), as one Delta commit keyed by {@code (appId,
         * version)}.
         */
        private void commit(Dataset<Row> documents, boolean redo, String appId, long version, List<String> alsoDelete) {
            Dataset<Row> docs = documents.withColumn("_rank", row_number().over(Window.partitionBy("id")
                    .orderBy(col("source_file").desc(), col("row").desc())));
            org.apache.spark.sql.Column unchanged = col("content_sha256").eqNullSafe(col("_old_sha"))
                    .and(retryErrors ? col("_old_error").equalTo(false) : lit(true));
            Dataset<Row> classified = docs.join(table.documents().withColumnRenamed("id", "_known_id")
                            .withColumn("_exists", lit(true)), docs.col("id").equalTo(col("_known_id")), "left")
                    .withColumn("_status", when(col("_rank").gt(1), "superseded")
                            .when(col("_exists").isNull(), "new")
                            .when(redo ? lit(false) : unchanged, "skipped")
                            .otherwise("updated"))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                describe("gner: classify documents against the table (" + appId + " " + version + ")");
                Row c = classified.agg(countDistinct("source_file").as("files"), count(lit(1)).as("documents"),
                        sum(when(col("_status").equalTo("new"), 1L).otherwise(0L)).as("new"),
                        sum(when(col("_status").equalTo("updated"), 1L).otherwise(0L)).as("updated"),
                        sum(when(col("_status").equalTo("skipped"), 1L).otherwise(0L)).as("skipped"),
                        sum(when(col("_status").equalTo("superseded"), 1L).otherwise(0L)).as("superseded")).first();
                long added = AnnotateJob.longOrZero(c, "new");
                long updated = AnnotateJob.longOrZero(c, "updated");
                if (redo) {
                    counts.retried += updated;
                } else {
                    counts.files += AnnotateJob.longOrZero(c, "files");
                    counts.documents += AnnotateJob.longOrZero(c, "documents");
                    counts.added += added;
                    counts.updated += updated;
                    counts.skipped += AnnotateJob.longOrZero(c, "skipped");
                    counts.superseded += AnnotateJob.longOrZero(c, "superseded");
                }
                if (added + updated == 0) {
                    return;
                }
                List<String> replaced = new ArrayList<>(alsoDelete);
                if (updated > 0) {
                    describe("gner: ids to replace");
                    for (Row r : classified.filter(col("_status").equalTo("updated")).select("id").collectAsList()) {
                        replaced.add(r.getString(0));
                    }
                }
                Dataset<Row> rows = annotate(classified.filter(col("_status").isin("new", "updated")), added + updated);
                describe("gner: annotate and commit (" + appId + " " + version + ")");
                table.writeBatch(rows, replaced, appId, version);
            } finally {
                describe(null);
                classified.unpersist(false);
            }
        }

        /** The documents' annotation rows in the table's columns. */
        private Dataset<Row> annotate(Dataset<Row> documents, long count) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int partitions = StridedPartitioner.partitionsFor(jsc.defaultParallelism(), count);
            describe("gner: number the documents to annotate");
            JavaPairRDD<Long, Row> keyed = documents
                    .select("id", "text", "error", "row", "source_file", "content_sha256")
                    .toJavaRDD().zipWithIndex().mapToPair(t -> new scala.Tuple2<>(t._2(), t._1()));
            LongAccumulator done = jsc.sc().longAccumulator("gner sentences done");
            DocumentAnnotation annotation = new DocumentAnnotation(spec, options.labels(), options.maxWords(),
                    options.minConfidence(), done, loads);
            JavaRDD<Row> rows = keyed.repartitionAndSortWithinPartitions(new StridedPartitioner(partitions))
                    .mapPartitions(annotation::annotatePartition);
            List<org.apache.spark.sql.types.StructField> fields = new ArrayList<>(
                    List.of(AnnotationSchema.SCHEMA.fields()));
            fields.add(org.apache.spark.sql.types.DataTypes.createStructField("_doc_row",
                    org.apache.spark.sql.types.DataTypes.LongType, false));
            fields.add(AnnotationTable.SCHEMA.apply("source_file"));
            fields.add(AnnotationTable.SCHEMA.apply("content_sha256"));
            Dataset<Row> annotated = spark.createDataFrame(rows,
                    new org.apache.spark.sql.types.StructType(fields.toArray(org.apache.spark.sql.types.StructField[]::new)));
            return annotated.withColumn("row", col("_doc_row")).drop("_doc_row")
                    .withColumn("run_id", lit(runId)).withColumn("annotated_at", current_timestamp());
        }

        private void describe(String what) {
            spark.sparkContext().setJobDescription(what);
        }

        /**
         * Delta's idempotent-write key: the streaming query's id, kept in its checkpoint across runs, so a
         * replayed batch id is recognised and a new checkpoint (a fresh start) is not mistaken for one.
         */
        private String appId() {
            if (queryAppId == null) {
                queryAppId = readAppId();
            }
            return queryAppId;
        }

        private String readAppId() {
            Path metadata = new Path(new Path(table.path(), CHECKPOINT), "metadata");
            try {
                FileSystem fs = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration());
                try (var in = fs.open(metadata)) {
                    String id = new ObjectMapper().readTree(in).path("id").asText("");
                    if (id.isEmpty()) {
                        throw new IllegalStateException(metadata + " holds no query id");
                    }
                    return "gner-annotate-" + id;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + metadata + ": " + e.getMessage(), e);
            }
        }
    }
}
