package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.gner.generate.DecodingOptions;
import org.gner.model.load.ModelCache;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** annotate end to end in local[2,2] with a tiny random T5 (which rarely finds entities). */
class AnnotateJobTest {
    private static final List<String> LINES = List.of(
            "Barack Obama visited Paris. He met Emmanuel Macron at the Élysée Palace!",
            "",
            "Zoë 😀 works for the U.S. Department of Energy in Washington, D.C.",
            "Apple (AAPL) paid $1,000.50 to Mr. J. Smith on 3 May 2021.",
            "one two three four five six seven eight nine ten eleven twelve");

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Path model;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("gner-annotate-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(31),
                TinyT5Checkpoints.Format.F32);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static AnnotateJob.Options options(String input, String format, Path output) {
        return new AnnotateJob.Options(model.toString(), AnnotateJob.parseLabels("person, location,organization"),
                input, format, "id", "text", output.toString(), false, new DecodingOptions(12, 1, 2048, 64, 0),
                "cpu", "fp32", 6);
    }

    @Test
    void everyTextLineAppearsWithSentencesWordsAndOffsets() throws IOException {
        Path input = Files.write(tmp.resolve("docs.txt"), LINES);
        Path out = tmp.resolve("text-out");
        AnnotateJob.Result result = AnnotateJob.run(spark, options(input.toString(), "auto", out));

        assertEquals(LINES.size(), result.rows());
        assertEquals(0, result.errors());
        List<Row> rows = spark.read().parquet(out.resolve("annotations").toString())
                .orderBy("row", "sentence").collectAsList();
        assertEquals(LINES.size(), rows.stream().map(r -> r.getLong(0)).distinct().count());
        StructType schema = spark.read().parquet(out.resolve("annotations").toString()).schema();
        assertEquals(List.of("row", "id", "sentence", "start", "end", "words", "labels", "entities", "prediction",
                "match_kind", "input_tokens", "output_tokens", "truncated", "error", "decoder_passes", "accepted_drafts",
                "low_confidence_entities"), List.of(schema.fieldNames()));
        assertEquals(List.of("text", "label", "start", "end", "word_start", "word_end", "confidence"), List.of(
                ((StructType) ((org.apache.spark.sql.types.ArrayType) schema.apply("entities").dataType())
                        .elementType()).fieldNames()));

        for (Row r : rows) {
            int line = Integer.parseInt(r.getString(1)) - 1;
            assertEquals(line, r.getLong(0));
            String text = LINES.get(line);
            List<String> words = r.getList(5);
            if (text.isEmpty()) {
                assertTrue(words.isEmpty());
                assertTrue(r.getList(7).isEmpty());
                assertNull(r.get(13));
                continue;
            }
            assertFalse(words.isEmpty());
            assertTrue(words.size() <= 6, "sentences are cut at --max-words");
            assertEquals(words.size(), r.getList(6).size());
            String sentence = slice(text, r.getInt(3), r.getInt(4));
            assertTrue(sentence.startsWith(words.get(0)) && sentence.endsWith(words.get(words.size() - 1)), sentence);
            for (Row e : r.<Row>getList(7)) {
                assertEquals(e.getString(0), slice(text, e.getInt(2), e.getInt(3)));
            }
            assertNotNull(r.getString(8));
        }
        // the first line is two sentences (5 and 9 words: the second cut into 6 + 3), the last 12 words
        assertEquals(3, rows.stream().filter(r -> r.getLong(0) == 0).count());
        assertEquals(2, rows.stream().filter(r -> r.getLong(0) == 4).count());
        assertEquals(java.util.Map.of("driver", 1), result.modelLoads());
        assertEquals(1, ModelCache.loads(model));
        assertTrue(Files.exists(out.resolve("annotations/_SUCCESS")));
        assertTrue(Files.exists(out.resolve("run.json")));
    }

    /** Constrained decoding (every word gets a label probability), with {@code --min-confidence t}. */
    private static AnnotateJob.Options constrained(Path input, Path output, double minConfidence) {
        AnnotateJob.Options o = options(input.toString(), "text", output);
        return new AnnotateJob.Options(o.model(), o.labels(), o.input(), o.inputFormat(), o.idColumn(), o.textColumn(),
                o.output(), false, o.decoding().withGuidance(new org.gner.generate.Guidance(
                        org.gner.generate.Guidance.Decoding.CONSTRAINED, org.gner.generate.Guidance.Draft.INPUT, 0, true)),
                o.device(), o.dtype(), o.maxWords(), "parquet", minConfidence);
    }

    private static java.util.Map<String, List<Row>> entitiesBySentence(Path out, String column) {
        java.util.Map<String, List<Row>> map = new java.util.TreeMap<>();
        for (Row r : spark.read().parquet(out.resolve("annotations").toString()).collectAsList()) {
            List<Row> entities = r.isNullAt(r.fieldIndex(column)) ? List.of() : r.getList(r.fieldIndex(column));
            map.put(r.getLong(0) + "/" + r.getInt(2), entities);
        }
        return map;
    }

    @Test
    void minConfidenceMovesEntitiesToTheirOwnColumnAndLosesNone() throws IOException {
        Path input = Files.write(tmp.resolve("confidence.txt"), LINES);
        Path all = tmp.resolve("confidence-0");
        AnnotateJob.run(spark, constrained(input, all, 0));
        java.util.Map<String, List<Row>> everything = entitiesBySentence(all, "entities");
        List<Double> confidences = new java.util.ArrayList<>();
        for (List<Row> entities : everything.values()) {
            for (Row e : entities) {
                assertFalse(e.isNullAt(6), "constrained decoding gives every entity a confidence");
                double c = e.getDouble(6);
                assertTrue(c > 0 && c <= 1, "confidence " + c);
                confidences.add(c);
            }
        }
        assertTrue(entitiesBySentence(all, "low_confidence_entities").values().stream().allMatch(List::isEmpty));
        assertTrue(confidences.size() >= 4, "entities: " + confidences.size());
        java.util.Collections.sort(confidences);
        double t = confidences.get(confidences.size() / 2); // the median: some entities on each side

        Path split = tmp.resolve("confidence-median");
        AnnotateJob.run(spark, constrained(input, split, t));
        java.util.Map<String, List<Row>> kept = entitiesBySentence(split, "entities");
        java.util.Map<String, List<Row>> low = entitiesBySentence(split, "low_confidence_entities");
        int keptCount = 0;
        int lowCount = 0;
        for (String sentence : everything.keySet()) {
            java.util.Set<Row> union = new java.util.HashSet<>(kept.get(sentence));
            union.addAll(low.get(sentence));
            assertEquals(new java.util.HashSet<>(everything.get(sentence)), union, sentence);
            assertEquals(everything.get(sentence).size(), kept.get(sentence).size() + low.get(sentence).size());
            for (Row e : kept.get(sentence)) {
                assertTrue(e.getDouble(6) >= t);
                keptCount++;
            }
            for (Row e : low.get(sentence)) {
                assertTrue(e.getDouble(6) < t);
                lowCount++;
            }
        }
        assertTrue(keptCount > 0 && lowCount > 0, keptCount + " kept, " + lowCount + " low");
        assertEquals(t, new com.fasterxml.jackson.databind.ObjectMapper().readTree(split.resolve("run.json").toFile())
                .path("confidence").path("min_confidence").asDouble(-1), 0.0, "run.json records t");
    }

    @Test
    void jsonlRowsKeepTheirIdsAndBadLinesGetAnError() throws IOException {
        Path input = Files.write(tmp.resolve("docs.jsonl"), List.of(
                "{\"id\": \"a\", \"text\": \"Angela Merkel spoke in Berlin.\"}",
                "{not json",
                "{\"id\": 7, \"text\": \"Tokyo is big.\"}",
                "{\"id\": \"no-text\"}"));
        Path out = tmp.resolve("jsonl-out");
        AnnotateJob.Result result = AnnotateJob.run(spark, options(input.toString(), "auto", out));
        assertEquals(4, result.rows());
        List<Row> rows = spark.read().parquet(out.resolve("annotations").toString())
                .orderBy("row", "sentence").collectAsList();
        assertEquals(List.of("a", "2", "7", "no-text"), rows.stream().map(r -> r.getString(1)).distinct().toList());
        assertTrue(rows.get(1).getString(13).contains("not valid JSON"));
        assertTrue(rows.get(3).getString(13).contains("'text'"));
        assertNull(rows.get(0).get(13));
        assertEquals(2, result.errors());
    }

    @Test
    void parquetInputWithTextAndIdColumns() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("doc_id", DataTypes.LongType, false),
                DataTypes.createStructField("body", DataTypes.StringType, true)));
        Path input = tmp.resolve("docs.parquet");
        spark.createDataFrame(List.of(RowFactory.create(10L, "Rome is in Italy."), RowFactory.create(11L, null),
                RowFactory.create(12L, "Nothing here")), schema).coalesce(1).write().parquet(input.toString());
        Path out = tmp.resolve("parquet-out");
        AnnotateJob.Result result = AnnotateJob.run(spark, new AnnotateJob.Options(model.toString(),
                List.of("location"), input.toString(), "auto", "doc_id", "body", out.toString(), false,
                new DecodingOptions(8, 1, 2048, 64, 0), "cpu", "fp32", 100));
        assertEquals(3, result.rows());
        List<Row> rows = spark.read().parquet(out.resolve("annotations").toString()).orderBy("row").collectAsList();
        assertEquals(List.of("10", "11", "12"), rows.stream().map(r -> r.getString(1)).toList());
        assertEquals("no text", rows.get(1).getString(13));

        var missing = assertThrows(IllegalArgumentException.class, () -> AnnotateJob.run(spark,
                new AnnotateJob.Options(model.toString(), List.of("location"), input.toString(), "parquet", "id",
                        "text", tmp.resolve("never").toString(), false, new DecodingOptions(8, 1, 2048, 64, 0),
                        "cpu", "fp32", 100)));
        assertTrue(missing.getMessage().contains("--text-column"), missing.getMessage());
    }

    @Test
    void aRetriedTaskWritesTheSameAnnotations() throws IOException {
        Path input = Files.write(tmp.resolve("retry.txt"), LINES);
        Path first = tmp.resolve("retry-a");
        Path second = tmp.resolve("retry-b");
        AnnotateJob.run(spark, options(input.toString(), "text", first));
        spark.conf().set(FaultInjection.CONF, "0");
        try {
            AnnotateJob.run(spark, options(input.toString(), "text", second));
        } finally {
            spark.conf().unset(FaultInjection.CONF);
        }
        assertEquals(spark.read().parquet(first.resolve("annotations").toString()).orderBy("row", "sentence")
                        .collectAsList(),
                spark.read().parquet(second.resolve("annotations").toString()).orderBy("row", "sentence")
                        .collectAsList());
    }

    @Test
    void labelsAreTrimmedAndDeduplicated() {
        assertEquals(List.of("person", "organization"), AnnotateJob.parseLabels(" person,organization,, person "));
        assertThrows(IllegalArgumentException.class, () -> AnnotateJob.parseLabels(" , "));
    }

    private static String slice(String text, int start, int end) {
        return new String(text.codePoints().toArray(), start, end - start);
    }

    @Test
    void badDocumentsAtScaleEachKeepARowAndTheRestIsAnnotated() throws IOException {
        String url = "https://example.com/" + "a1b2c3d4e5".repeat(498);
        String huge = String.join(" ", java.util.Collections.nCopies(20_000, "word"));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (String line : List.of("Rome is in Italy.", "", huge, "Paris\u0000 is\u0000 big.", "See " + url + " now.")) {
            bytes.write(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        bytes.write(new byte[] {'B', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF, ' ', 'x', '.', '\n'});
        Path text = Files.write(tmp.resolve("bad.txt"), bytes.toByteArray());
        Path out = tmp.resolve("bad-out");
        AnnotateJob.Result result = AnnotateJob.run(spark, options(text.toString(), "text", out));
        assertEquals(6, result.rows());
        List<Row> rows = spark.read().parquet(out.resolve("annotations").toString()).orderBy("row", "sentence")
                .collectAsList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), rows.stream().map(r -> r.getLong(0)).distinct().toList());
        assertEquals((20_000 + 5) / 6, rows.stream().filter(r -> r.getLong(0) == 2L).count(), "cut at 6 words");
        List<Row> withUrl = rows.stream().filter(r -> r.getLong(0) == 4L).toList();
        assertTrue(withUrl.stream().allMatch(r -> r.isNullAt(13)), "the URL's sentences are annotated");
        assertTrue(withUrl.stream().anyMatch(r -> r.<String>getList(5).contains("a1b2c3d4e5".repeat(498))),
                "its 4,980-character path is one word");
        Row invalid = rows.stream().filter(r -> r.getLong(0) == 5L).findFirst().orElseThrow();
        assertTrue(invalid.getList(5).stream().anyMatch(w -> ((String) w).contains("\uFFFD")),
                "invalid UTF-8 is read as U+FFFD: " + invalid.getList(5));

        Path parquet = tmp.resolve("bad-parquet");
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("text", DataTypes.StringType, true)));
        spark.createDataFrame(List.of(RowFactory.create("a", "Rome is in Italy."), RowFactory.create("b", "Oslo."),
                RowFactory.create("c", "Bern is in Switzerland.")), schema).repartition(3).write()
                .parquet(parquet.toString());
        Path part = Files.list(parquet).filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted()
                .findFirst().orElseThrow();
        byte[] whole = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc")); // cut short mid-write: no checksum
        Path parquetOut = tmp.resolve("bad-parquet-out");
        AnnotateJob.Result fromParquet = AnnotateJob.run(spark, options(parquet.toString(), "parquet", parquetOut));
        List<Row> parquetRows = spark.read().parquet(parquetOut.resolve("annotations").toString()).orderBy("row")
                .collectAsList();
        List<Row> failed = parquetRows.stream().filter(r -> r.getString(13) != null).toList();
        assertEquals(1, failed.size(), parquetRows.toString());
        assertTrue(failed.get(0).getString(13).contains(part.getFileName().toString()), failed.get(0).getString(13));
        assertEquals(2, parquetRows.stream().filter(r -> r.getString(13) == null).map(r -> r.getString(1)).distinct()
                .count(), "the two readable part files are annotated");
        assertEquals(3, fromParquet.rows());
    }
}
