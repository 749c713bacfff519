package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.generate.DecodingOptions;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annotate --incremental} run after run in local[2] with a tiny random T5 on CoNLL-2003 text. */
class IncrementalAnnotateTest {
    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Path model;

    @BeforeAll
    static void start() {
        var builder = SparkSession.builder().master("local[2]").appName("gner-incremental-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1");
        SparkSessions.DELTA.forEach(builder::config);
        spark = builder.getOrCreate();
        model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(31),
                TinyT5Checkpoints.Format.F32);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static IncrementalAnnotateJob.Options options(Path input, Path table, String format, boolean retryErrors) {
        return new IncrementalAnnotateJob.Options(new AnnotateJob.Options(model.toString(),
                AnnotateJob.parseLabels("person,location,organization"), input.toString(), format, "id", "text",
                table.toString(), false, new DecodingOptions(16, 1, 2048, 64, 0), "cpu", "fp32",
                IncrementalCorpus.MAX_WORDS, "delta"), 1, retryErrors);
    }

    /**
     * A table written before entity confidences (no low_confidence_entities, entities without confidence)
     * takes its next run: the columns are added by a schema merge, new rows carry them, old rows stay.
     */
    @Test
    void aTableFromBeforeEntityConfidencesGetsTheNewColumns() throws IOException {
        Path in = tmp.resolve("old-schema-in");
        Path table = tmp.resolve("old-schema-table");
        List<org.apache.spark.sql.types.StructField> fields = new java.util.ArrayList<>();
        for (org.apache.spark.sql.types.StructField f : AnnotationTable.SCHEMA.fields()) {
            if (f.name().equals("low_confidence_entities")) {
                continue;
            }
            if (f.name().equals("entities")) {
                org.apache.spark.sql.types.StructType entity = (org.apache.spark.sql.types.StructType)
                        ((org.apache.spark.sql.types.ArrayType) f.dataType()).elementType();
                org.apache.spark.sql.types.StructType old = new org.apache.spark.sql.types.StructType(
                        java.util.Arrays.stream(entity.fields()).filter(e -> !e.name().equals("confidence"))
                                .toArray(org.apache.spark.sql.types.StructField[]::new));
                f = new org.apache.spark.sql.types.StructField(f.name(),
                        org.apache.spark.sql.types.DataTypes.createArrayType(old, false), f.nullable(), f.metadata());
            }
            fields.add(f);
        }
        spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType(
                fields.toArray(org.apache.spark.sql.types.StructField[]::new))).write().format("delta").save(table.toString());
        List<String> docs = IncrementalCorpus.documents(0, 2);
        IncrementalCorpus.write(in.resolve("a.txt"), docs);
        IncrementalAnnotateJob.Result run = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(2, run.added());
        org.apache.spark.sql.types.StructType now = spark.read().format("delta").load(table.toString()).schema();
        assertTrue(List.of(now.fieldNames()).contains("low_confidence_entities"));
        assertTrue(List.of(((org.apache.spark.sql.types.StructType) ((org.apache.spark.sql.types.ArrayType)
                now.apply("entities").dataType()).elementType()).fieldNames()).contains("confidence"));
        IncrementalCorpus.assertTableHolds(spark, table.toString(),
                Map.of("a.txt:1", docs.get(0), "a.txt:2", docs.get(1)));
    }

    @Test
    void eachRunTakesOnlyTheNewFilesAndTheTableHoldsEverySentenceOnce() throws IOException {
        Path in = tmp.resolve("text-in");
        Path table = tmp.resolve("text-table");
        List<String> a = IncrementalCorpus.documents(0, 5);
        List<String> b = IncrementalCorpus.documents(5, 4);
        IncrementalCorpus.write(in.resolve("a.txt"), a);
        IncrementalCorpus.write(in.resolve("b.txt"), b);
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < a.size(); i++) {
            expected.put("a.txt:" + (i + 1), a.get(i));
        }
        for (int i = 0; i < b.size(); i++) {
            expected.put("b.txt:" + (i + 1), b.get(i));
        }

        IncrementalAnnotateJob.Result first = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(2, first.files());
        assertEquals(9, first.documents());
        assertEquals(9, first.added());
        assertEquals(2, first.batches(), "one file per trigger");
        assertEquals(first.versionBefore() + 2, first.versionAfter(), "one commit per batch");
        IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
        Row sample = spark.read().format("delta").load(table.toString()).filter(col("id").equalTo("b.txt:2"))
                .first();
        assertEquals(1L, sample.<Long>getAs("row"));
        assertTrue(sample.<String>getAs("source_file").endsWith("b.txt"));
        assertEquals(StreamedDocuments.sha256(b.get(1)), sample.getAs("content_sha256"));
        assertEquals(first.runId(), sample.getAs("run_id"));

        IncrementalAnnotateJob.Result idle = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(0, idle.documents());
        assertEquals(0, idle.sentences());
        assertEquals(first.versionAfter(), idle.versionBefore());
        assertEquals(idle.versionBefore(), idle.versionAfter(), "nothing new: no commit");

        List<String> c = IncrementalCorpus.documents(9, 3);
        IncrementalCorpus.write(in.resolve("c.txt"), c);
        IncrementalAnnotateJob.Result third = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(1, third.files());
        assertEquals(3, third.documents());
        assertEquals(3, third.added());
        for (int i = 0; i < c.size(); i++) {
            expected.put("c.txt:" + (i + 1), c.get(i));
        }
        IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
        assertEquals(3, spark.read().format("delta").load(table.toString())
                .filter(col("run_id").equalTo(third.runId())).select("id").distinct().count());

        List<JsonNode> runs;
        try (Stream<Path> files = Files.list(table.resolve(IncrementalAnnotateJob.RUNS))) {
            runs = files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".")).sorted().map(IncrementalAnnotateTest::readJson).toList();
        }
        assertEquals(3, runs.size());
        JsonNode last = runs.stream().filter(r -> r.path("run_id").asText().equals(third.runId())).findFirst()
                .orElseThrow();
        assertEquals(3, last.path("new").asLong());
        assertEquals(third.versionAfter(), last.path("table").path("version_after").asLong());
        assertEquals(third.sentences(), last.path("sentences_written").asLong());
    }

    @Test
    void aResubmittedDocumentReplacesItsRowsAndAnUnchangedOneIsSkipped() throws IOException {
        Path in = tmp.resolve("jsonl-in");
        Path table = tmp.resolve("jsonl-table");
        List<String> docs = IncrementalCorpus.documents(20, 4);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            lines.add(json.writeValueAsString(Map.of("id", "x" + i, "text", docs.get(i))));
        }
        lines.add("{not json");
        IncrementalCorpus.write(in.resolve("day1.jsonl"), lines);
        IncrementalAnnotateJob.Result first = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(5, first.documents());
        assertEquals(1, first.failed(), "the bad line is a document with an error");
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            expected.put("x" + i, docs.get(i));
        }
        expected.put("day1.jsonl:5", null);
        IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);

        String changed = IncrementalCorpus.documents(30, 1).get(0) + " " + IncrementalCorpus.documents(31, 1).get(0);
        IncrementalCorpus.write(in.resolve("day2.jsonl"), List.of(
                json.writeValueAsString(Map.of("id", "x1", "text", changed)),
                json.writeValueAsString(Map.of("id", "x2", "text", docs.get(2)))));
        IncrementalAnnotateJob.Result second = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(2, second.documents());
        assertEquals(1, second.updated());
        assertEquals(1, second.skipped());
        assertEquals(0, second.added());
        expected.put("x1", changed);
        IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
        List<Row> x1 = spark.read().format("delta").load(table.toString()).filter(col("id").equalTo("x1"))
                .select("content_sha256", "run_id", "source_file").collectAsList();
        for (Row r : x1) {
            assertEquals(StreamedDocuments.sha256(changed), r.getString(0));
            assertEquals(second.runId(), r.getString(1));
            assertTrue(r.getString(2).endsWith("day2.jsonl"));
        }
        assertEquals(first.runId(), spark.read().format("delta").load(table.toString())
                .filter(col("id").equalTo("x2")).first().getAs("run_id"), "skipped: untouched");

        IncrementalAnnotateJob.Result noRetry = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(0, noRetry.documents(), "no new file: the error stays");
        // --retry-errors only reconsiders documents that arrive again; here the bad line arrives in a new file.
        IncrementalCorpus.write(in.resolve("day3.jsonl"), List.of("{not json"));
        IncrementalAnnotateJob.Result again = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(1, again.added(), "a bad line of another file is another document");
        expected.put("day3.jsonl:1", null);
        IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
    }

    @Test
    void retryErrorsReadsFailedDocumentsAgainFromTheirFiles() throws IOException {
        Path in = tmp.resolve("retry-in");
        Path table = tmp.resolve("retry-table");
        ObjectMapper json = new ObjectMapper();
        String good = IncrementalCorpus.documents(40, 1).get(0);
        Path file = IncrementalCorpus.write(in.resolve("d1.jsonl"), List.of(
                json.writeValueAsString(Map.of("id", "ok", "text", good)),
                json.writeValueAsString(Map.of("id", "e1"))));
        IncrementalAnnotateJob.Result first = IncrementalAnnotateJob.run(spark, options(in, table, "jsonl", false));
        assertEquals(1, first.failed(), "e1 has no text");
        String okRun = first.runId();

        IncrementalAnnotateJob.Result plain = IncrementalAnnotateJob.run(spark, options(in, table, "jsonl", false));
        assertEquals(0, plain.documents());
        assertEquals(0, plain.retried());
        assertEquals(plain.versionBefore(), plain.versionAfter());

        // The source is mended in place (the stream never reads a seen file again); --retry-errors reads it.
        String text = IncrementalCorpus.documents(41, 1).get(0);
        Files.write(file, List.of(json.writeValueAsString(Map.of("id", "ok", "text", good)),
                json.writeValueAsString(Map.of("id", "e1", "text", text))));
        IncrementalAnnotateJob.Result retried = IncrementalAnnotateJob.run(spark, options(in, table, "jsonl", true));
        assertEquals(0, retried.documents(), "no new file");
        assertEquals(1, retried.retried());
        assertEquals(0, retried.failed());
        assertEquals(retried.versionBefore() + 1, retried.versionAfter());
        IncrementalCorpus.assertTableHolds(spark, table.toString(), Map.of("ok", good, "e1", text));
        assertEquals(okRun, spark.read().format("delta").load(table.toString()).filter(col("id").equalTo("ok"))
                .first().getAs("run_id"), "only the failed document is redone");
        assertEquals(0, spark.read().format("delta").load(table.toString()).filter(col("error").isNotNull()).count());
    }

    @Test
    void parquetFilesAreReadByRowAndBadArgumentsAreClearErrors() throws IOException {
        Path in = tmp.resolve("parquet-in");
        Path table = tmp.resolve("parquet-table");
        List<String> docs = IncrementalCorpus.documents(50, 3);
        spark.createDataFrame(docs.stream().map(t -> org.apache.spark.sql.RowFactory.create(t)).toList(),
                new org.apache.spark.sql.types.StructType().add("text", "string"))
                .coalesce(1).write().parquet(in.resolve("batch1").toString());
        Path folder = in.resolve("batch1");
        IncrementalAnnotateJob.Result r = IncrementalAnnotateJob.run(spark, options(folder, table, "auto", false));
        assertEquals(3, r.documents());
        List<Row> ids = spark.read().format("delta").load(table.toString()).select("id", "row").distinct()
                .orderBy("row").collectAsList();
        assertEquals(3, ids.size());
        assertTrue(ids.get(2).getString(0).endsWith(":2"), ids.toString());

        assertThrows(IllegalArgumentException.class, () -> IncrementalAnnotateJob.run(spark,
                options(folder.resolve("missing"), tmp.resolve("t2"), "auto", false)));
        IllegalArgumentException notDelta = assertThrows(IllegalArgumentException.class,
                () -> IncrementalAnnotateJob.run(spark, options(folder, folder, "auto", false)));
        assertTrue(notDelta.getMessage().contains("not a Delta table"), notDelta.getMessage());
        assertNotEquals(0, r.sentences());
    }

    /**
     * A Parquet part file that cannot be read (truncated) lands in the inbox with a good one: the run
     * finishes, the good file's rows are annotated and the bad file has one error row (row -1, the whole
     * file) naming it; once the file is replaced by a readable one, --retry-errors annotates its rows and
     * drops the error row.
     */
    @Test
    void anUnreadableParquetFileBecomesOneErrorRowAndIsRetriedOnceReadable() throws IOException {
        Path in = tmp.resolve("corrupt-in");
        Path table = tmp.resolve("corrupt-table");
        Path staging = tmp.resolve("corrupt-staging");
        List<String> docs = IncrementalCorpus.documents(60, 4);
        spark.createDataFrame(docs.stream().map(t -> org.apache.spark.sql.RowFactory.create(t)).toList(),
                new org.apache.spark.sql.types.StructType().add("text", "string"))
                .coalesce(1).write().parquet(staging.toString());
        Path part;
        try (var files = java.nio.file.Files.list(staging)) {
            part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        java.nio.file.Files.createDirectories(in);
        java.nio.file.Files.copy(part, in.resolve("good.parquet"));
        byte[] bytes = java.nio.file.Files.readAllBytes(part);
        java.nio.file.Files.write(in.resolve("broken.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        IncrementalAnnotateJob.Result first = IncrementalAnnotateJob.run(spark, options(in, table, "auto", false));
        assertEquals(5, first.documents(), "4 rows of good.parquet and one for broken.parquet");
        Dataset<Row> rows = spark.read().format("delta").load(table.toString());
        List<Row> errors = rows.filter(col("error").isNotNull()).select("id", "row", "error").collectAsList();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("broken.parquet", errors.get(0).getString(0));
        assertEquals(-1L, errors.get(0).getLong(1));
        assertTrue(errors.get(0).getString(2).startsWith("cannot read Parquet file broken.parquet: "),
                errors.get(0).getString(2));
        assertEquals(4, rows.filter(col("error").isNull()).select("id").distinct().count());

        java.nio.file.Files.copy(part, in.resolve("broken.parquet"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IncrementalAnnotateJob.Result retried = IncrementalAnnotateJob.run(spark, options(in, table, "auto", true));
        assertEquals(0, retried.documents(), "no new file");
        rows = spark.read().format("delta").load(table.toString());
        assertEquals(0, rows.filter(col("error").isNotNull()).count(), "the error row gave way");
        assertEquals(8, rows.select("id").distinct().count(), "both files' rows, each once");
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
