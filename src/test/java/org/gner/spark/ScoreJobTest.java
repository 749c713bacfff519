package org.gner.spark;

import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.data.GnerJsonl;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.MetricsAccumulator;
import org.gner.metrics.PredictionScorer;
import org.gner.structure.BackTokenizer;
import org.gner.testing.LocalFileReads;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScoreJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100"})
    void realPredictionsReproduceGnerF1(String run) throws IOException {
        Path predictions = SharedData.path("predictions/" + run + "/predictions.jsonl");
        JsonNode expected = JSON.readTree(SharedData.path("predictions/" + run + "/all_results.json").toFile());
        Path out = tmp.resolve("out");

        MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(predictions.toString(),
                SharedData.flanT5Tokenizer(), out.toString(), false, false));

        assertEquals(7, report.datasets().size());
        for (DatasetMetrics d : report.datasets()) {
            assertEquals(expected.get("eval_" + d.dataset()).asDouble(), d.f1(), 1e-12, d.dataset());
            assertEquals(100, d.sentences());
        }
        assertEquals(expected.get("eval_average").asDouble(), report.averageF1(), 1e-12);
        assertEquals(0, report.errors());

        // metrics.json holds the same doubles, bit for bit, in the input's dataset order
        JsonNode written = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(report.averageF1(), written.get("average_f1").asDouble());
        List<String> order = new ArrayList<>();
        written.get("datasets").forEach(d -> order.add(d.get("dataset").asText()));
        assertEquals(firstAppearanceOrder(predictions), order);

        List<Row> parquet = spark.read().parquet(out.resolve("metrics").toString()).collectAsList();
        assertEquals(7, parquet.size());
        assertEquals(0, spark.read().parquet(out.resolve("errors").toString()).count());
    }

    @Test
    void sparkTotalsEqualThePlainJavaAccumulatorPerLabel() throws IOException {
        Path predictions = SharedData.path("predictions/gner-t5-large-dev100/predictions.jsonl");
        MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(predictions.toString(),
                SharedData.flanT5Tokenizer(), tmp.resolve("out").toString(), false, false));

        MetricsAccumulator expected;
        try (BackTokenizer tokenizer = BackTokenizer.load(SharedData.flanT5Tokenizer())) {
            expected = new PredictionScorer(tokenizer).scoreAll(GnerJsonl.readAll(predictions), new MetricsAccumulator());
        }
        assertEquals(expected.datasets(), report.datasets());
        assertEquals(expected.labelMetrics(), report.labels());
        List<Row> labels = spark.read().parquet(tmp.resolve("out/label_metrics").toString()).collectAsList();
        assertEquals(expected.labelMetrics().size(), labels.size());
    }

    @Test
    void sentencesHoldThePerSentenceCountsTheMetricsAreSummedFrom() throws IOException {
        Path predictions = SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl");
        Path out = tmp.resolve("out");
        MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(predictions.toString(),
                SharedData.flanT5Tokenizer(), out.toString(), false, false));

        var sentences = spark.read().parquet(out.resolve("sentences").toString());
        assertEquals(List.of("source_index", "source", "line", "dataset", "id", "words", "labels", "predicted_labels",
                "correct", "predicted", "gold", "match_kind", "label_counts"), List.of(sentences.columns()));
        assertEquals(700, sentences.count());
        for (DatasetMetrics d : report.datasets()) {
            Row sums = sentences.filter(org.apache.spark.sql.functions.col("dataset").equalTo(d.dataset()))
                    .agg(org.apache.spark.sql.functions.count("line"), org.apache.spark.sql.functions.sum("correct"),
                            org.apache.spark.sql.functions.sum("predicted"), org.apache.spark.sql.functions.sum("gold"))
                    .first();
            assertEquals(List.of(d.sentences(), d.correct(), d.predicted(), d.gold()),
                    List.of(sums.getLong(0), sums.getLong(1), sums.getLong(2), sums.getLong(3)), d.dataset());
        }
        // line 1 of the file: words and gold labels as in the input, one predicted label per word
        Row first = sentences.filter("line = 1").first();
        JsonNode record = JSON.readTree(Files.readAllLines(predictions).get(0));
        assertEquals(record.get("instance").get("id").asText(), first.getAs("id"));
        List<String> words = new ArrayList<>();
        record.get("instance").get("words").forEach(w -> words.add(w.asText()));
        assertEquals(words, first.getList(first.fieldIndex("words")));
        assertEquals(words.size(), first.getList(first.fieldIndex("predicted_labels")).size());
        assertEquals(words.size(), first.getList(first.fieldIndex("labels")).size());
    }

    @Test
    void malformedLinesAreKeptAsErrorsWithTheirLineNumbers() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(
                SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl")).subList(0, 5));
        lines.add(1, "{not json");
        lines.add(3, "{\"dataset\": \"x\", \"label_list\": [], \"instance\": {\"id\": \"1\", \"words\": [\"a\"], "
                + "\"labels\": [\"O\"]}}");
        Path input = tmp.resolve("bad.jsonl");
        Files.write(input, lines);

        MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(input.toString(), null,
                tmp.resolve("out").toString(), false, false));

        assertEquals(2, report.errors());
        assertEquals(5, report.datasets().stream().mapToLong(DatasetMetrics::sentences).sum());
        List<Row> errors = spark.read().parquet(tmp.resolve("out/errors").toString()).orderBy("line").collectAsList();
        assertEquals(2, errors.size());
        assertEquals(2L, errors.get(0).getLong(1));
        assertEquals(4L, errors.get(1).getLong(1));
        assertTrue(errors.get(1).getString(3).contains("prediction"), errors.get(1).getString(3));

        var failure = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(spark,
                new ScoreJob.Options(input.toString(), null, tmp.resolve("out2").toString(), false, true)));
        assertTrue(failure.getMessage().contains("bad.jsonl:2"), failure.getMessage());
    }

    @Test
    void linesAreNumberedPerFileAcrossPartitionsAndTheInputIsReadOnce() throws IOException {
        List<String> real = Files.readAllLines(SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl"));
        List<String> first = new ArrayList<>(real);
        first.add(650, "{not json"); // line 651 of 701: in the file's second partition
        List<String> second = new ArrayList<>(real.subList(0, 20));
        second.add(2, "{not json"); // line 3 of the second file
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.write(dir.resolve("a.jsonl"), first);
        Files.write(dir.resolve("b.jsonl"), second);
        long inputBytes = Files.size(dir.resolve("a.jsonl")) + Files.size(dir.resolve("b.jsonl"));
        long readBefore = LocalFileReads.bytesRead();

        MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(dir.toString(), null,
                tmp.resolve("out").toString(), false, false));

        long read = LocalFileReads.bytesRead() - readBefore;
        assertTrue(read >= inputBytes && read < 1.5 * inputBytes, read + " bytes read for " + inputBytes
                + " bytes of input: the input is read once");
        assertEquals(2, report.errors());
        List<Row> errors = spark.read().parquet(tmp.resolve("out/errors").toString()).orderBy("source")
                .collectAsList();
        assertEquals(651L, errors.get(0).getLong(1));
        assertTrue(errors.get(0).getString(0).endsWith("a.jsonl"), errors.get(0).getString(0));
        assertEquals(3L, errors.get(1).getLong(1));
        Dataset<Row> sentences = spark.read().parquet(tmp.resolve("out/sentences").toString());
        assertEquals(real.size() + 20L, sentences.count());
        assertEquals(first.size(), sentences.filter("source_index = 0").agg(max("line")).first().getLong(0));
        assertEquals(0, sentences.groupBy("source_index", "line").count().filter("count > 1").count());
    }

    @Test
    void splitOffsetsRestartAtEachFileAndFollowSplitOrder() {
        List<long[]> offsets = SplitLineNumbers.offsets(List.of(new long[] {1, 1, 4}, new long[] {0, 0, 3},
                new long[] {0, 2, 7}, new long[] {1, 0, 5}, new long[] {0, 1, 2}));
        assertArrayEquals(new long[][] {{0, 0, 0}, {0, 1, 3}, {0, 2, 5}, {1, 0, 0}, {1, 1, 5}},
                offsets.toArray(new long[0][]));
    }

    @Test
    void existingOutputIsRefusedUnlessOverwrite() throws IOException {
        Path input = tmp.resolve("one.jsonl");
        Files.write(input, Files.readAllLines(
                SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl")).subList(0, 3));
        Path out = Files.createDirectories(tmp.resolve("exists"));
        var refused = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(spark,
                new ScoreJob.Options(input.toString(), null, out.toString(), false, false)));
        assertTrue(refused.getMessage().contains("--overwrite"), refused.getMessage());
        ScoreJob.run(spark, new ScoreJob.Options(input.toString(), null, out.toString(), true, false));
        assertTrue(Files.exists(out.resolve("metrics.json")));
    }

    private static List<String> firstAppearanceOrder(Path predictions) throws IOException {
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(predictions)) {
            String dataset = JSON.readTree(line).get("dataset").asText();
            if (!order.contains(dataset)) {
                order.add(dataset);
            }
        }
        return order;
    }
}
