package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.generate.DecodingOptions;
import org.gner.model.ModelTokenizer;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.load.ModelCache;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.LabelOrder;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate end to end in local[2,2] (two task slots, one retry allowed) with a tiny random T5. */
class EvaluateJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_DATASET = 9;

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Path model;
    private static Path config;
    private static Path baseline;
    private static EvaluateJob.Result baselineResult;

    @BeforeAll
    static void evaluateOnce() throws IOException {
        spark = SparkSession.builder().master("local[2,2]").appName("gner-evaluate-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(21),
                TinyT5Checkpoints.Format.F32);
        config = tmp.resolve("configs.json");
        Files.writeString(config, "[{\"dataset name\": \"crossner_ai\", \"max_num_instances\": " + PER_DATASET + "},"
                + " {\"dataset name\": \"mit-restaurant\", \"max_num_instances\": " + PER_DATASET + "}]");
        baseline = tmp.resolve("baseline");
        baselineResult = EvaluateJob.run(spark, options(baseline, false));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static EvaluateJob.Options options(Path output, boolean overwrite) {
        return new EvaluateJob.Options(model.toString(), SharedData.zeroShotDataDir(), config.toString(), "test",
                output.toString(), overwrite, new DecodingOptions(16, 1, 2048, Integer.MAX_VALUE, 0),
                LabelOrder.DEFAULT, "cpu", "fp32");
    }

    @Test
    void everySentenceIsInPredictionsWithItsPromptAndCounts() {
        List<Row> rows = spark.read().parquet(baseline.resolve("predictions").toString())
                .orderBy("order").collectAsList();
        assertEquals(2 * PER_DATASET, rows.size());
        assertEquals(2 * PER_DATASET, baselineResult.sentences());
        Set<String> keys = new HashSet<>();
        for (Row r : rows) {
            keys.add(r.getAs("dataset") + "/" + r.getAs("id"));
            assertEquals(r.<Object>getList(r.fieldIndex("words")).size(),
                    r.<Object>getList(r.fieldIndex("labels")).size());
            assertTrue(r.isNullAt(r.fieldIndex("error")), () -> r.getAs("error"));
            assertTrue(r.<Integer>getAs("output_tokens") >= 1 && r.<Integer>getAs("output_tokens") <= 16);
            assertFalse(r.<Boolean>getAs("truncated"));
            assertTrue(r.<String>getAs("prompt").startsWith("Please analyze"));
        }
        assertEquals(2 * PER_DATASET, keys.size());
        assertTrue(keys.contains("crossner_ai/0") && keys.contains("mit-restaurant/" + (PER_DATASET - 1)));
        assertTrue(Files.exists(baseline.resolve("predictions/_SUCCESS")));
        assertTrue(Files.isDirectory(baseline.resolve("predictions/dataset=crossner_ai")));
    }

    @Test
    void scoreOnTheExportedJsonlReproducesMetricsJson() throws IOException {
        Path jsonl = baseline.resolve("predictions.jsonl");
        List<GnerRecord> records = GnerJsonl.readAll(jsonl);
        assertEquals(2 * PER_DATASET, records.size());
        assertEquals("crossner_ai", records.get(0).dataset());
        assertEquals("mit-restaurant", records.get(records.size() - 1).dataset());

        Path scored = tmp.resolve("rescored");
        ScoreJob.run(spark, new ScoreJob.Options(jsonl.toString(), model, scored.toString(), false, false));
        // GNER's metrics are the same; evaluate adds its entity-confidence section after them
        JsonNode evaluated = JSON.readTree(baseline.resolve("metrics.json").toFile());
        assertTrue(evaluated.has("confidence"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) evaluated).remove("confidence");
        assertEquals(evaluated, JSON.readTree(scored.resolve("metrics.json").toFile()));
        assertEquals(spark.read().parquet(baseline.resolve("label_metrics").toString()).collectAsList(),
                spark.read().parquet(scored.resolve("label_metrics").toString()).collectAsList());
        JsonNode metrics = JSON.readTree(baseline.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("datasets").size());
        assertEquals(PER_DATASET, metrics.get("datasets").get(0).get("n_sentences").asInt());
    }

    /**
     * Constrained decoding gives every predicted entity a confidence; predicted_entities are the entities
     * GNER's scorer counted (de-duplicated: the predicted count), and thresholds/ at t = 0 is metrics/.
     */
    @Test
    void predictedEntitiesCarryConfidencesAndTheThresholdTableStartsAtGnersMetrics() throws IOException {
        Path out = tmp.resolve("constrained");
        EvaluateJob.Options base = options(out, false);
        EvaluateJob.run(spark, new EvaluateJob.Options(base.model(), base.dataDir(), base.datasets(), base.split(),
                base.output(), false, base.decoding().withGuidance(new org.gner.generate.Guidance(
                        org.gner.generate.Guidance.Decoding.CONSTRAINED, org.gner.generate.Guidance.Draft.INPUT, 0, true)),
                base.labelOrder(), base.device(), base.dtype()));
        int entities = 0;
        for (Row r : spark.read().parquet(out.resolve("predictions").toString()).collectAsList()) {
            List<Row> predicted = r.getList(r.fieldIndex("predicted_entities"));
            Set<String> distinct = new HashSet<>();
            List<String> words = r.getList(r.fieldIndex("words"));
            for (Row e : predicted) {
                int start = e.getInt(2);
                int end = e.getInt(3);
                assertEquals(String.join(" ", words.subList(start, end)), e.getString(0));
                double c = e.getDouble(4);
                assertTrue(c > 0 && c <= 1, "confidence " + c);
                distinct.add(org.gner.metrics.AnswerNormalizer.normalize(e.getString(0)) + "|"
                        + org.gner.metrics.AnswerNormalizer.normalize(e.getString(1)));
                entities++;
            }
            assertEquals(r.<Integer>getAs("predicted"), distinct.size());
        }
        assertTrue(entities > 0);
        List<Row> thresholds = spark.read().parquet(out.resolve("thresholds").toString()).collectAsList();
        assertEquals(2 * 20, thresholds.size());
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        for (JsonNode d : metrics.get("datasets")) {
            Row zero = thresholds.stream().filter(t -> t.getString(0).equals(d.get("dataset").asText())
                    && t.getDouble(1) == 0).findFirst().orElseThrow();
            assertEquals(d.get("n_pred").asLong(), zero.getLong(3));
            assertEquals(d.get("n_correct").asLong(), zero.getLong(2));
            assertEquals(d.get("f1").asDouble(), zero.getDouble(7), 1e-12);
        }
        JsonNode confidence = metrics.get("confidence");
        assertEquals(1.0, confidence.get("label_temperature").asDouble());
        assertEquals(2, confidence.get("datasets").size());
        for (JsonNode d : confidence.get("datasets")) {
            double ece = d.get("ece").asDouble();
            assertTrue(ece >= 0 && ece <= 1, "ece " + ece);
            assertEquals(10, d.get("reliability").size());
            assertEquals(20, d.get("thresholds").size());
        }
    }

    @Test
    void theModelIsLoadedOncePerJvm() throws IOException {
        assertEquals(1, ModelCache.loads(model));
        assertEquals(java.util.Map.of("driver", 1), baselineResult.modelLoads());
        JsonNode run = JSON.readTree(baseline.resolve("run.json").toFile());
        assertEquals(1, run.at("/spark/model_loads/driver").asInt());
        assertEquals(1, run.at("/spark/executors").asInt());
        assertEquals("local[2,2]", run.at("/spark/master").asText());
        assertEquals(64, run.at("/model/digest").asText().length());
        assertEquals(16, run.at("/decoding/max_new_tokens").asInt());
        assertEquals(640, run.at("/decoding/max_input_tokens").asInt());
        assertEquals("seeded:1234", run.at("/data/label_order").asText());
        assertTrue(run.at("/timing/sentences_per_second").asDouble() > 0);
    }

    @Test
    void aRetriedTaskWritesIdenticalOutput() throws IOException {
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                TaskEndReason reason = end.reason();
                if (!(reason instanceof org.apache.spark.Success$)) {
                    failedTasks.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        spark.conf().set(FaultInjection.CONF, "1");
        Path retried = tmp.resolve("retried");
        try {
            EvaluateJob.run(spark, options(retried, false));
        } finally {
            spark.conf().unset(FaultInjection.CONF);
            spark.sparkContext().removeSparkListener(listener);
        }
        assertEquals(1, failedTasks.get(), "exactly one injected task failure");
        assertArrayEquals(Files.readAllBytes(baseline.resolve("predictions.jsonl")),
                Files.readAllBytes(retried.resolve("predictions.jsonl")));
        assertEquals(Files.readString(baseline.resolve("metrics.json")), Files.readString(retried.resolve("metrics.json")));
        assertEquals(spark.read().parquet(baseline.resolve("predictions").toString()).orderBy("order").collectAsList(),
                spark.read().parquet(retried.resolve("predictions").toString()).orderBy("order").collectAsList());
        assertEquals(1, ModelCache.loads(model));
    }

    @Test
    void llamaPromptsAreWrappedForTheModelAndKeptPlainInTheRecords() throws IOException {
        Path llama = TinyLlamaCheckpoints.write(tmp.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        Path llamaConfig = Files.writeString(tmp.resolve("llama-configs.json"),
                "[{\"dataset name\": \"crossner_science\", \"max_num_instances\": 3}]");
        Path out = tmp.resolve("llama-out");
        EvaluateJob.Result result = EvaluateJob.run(spark, new EvaluateJob.Options(llama.toString(),
                SharedData.zeroShotDataDir(), llamaConfig.toString(), "test", out.toString(), false,
                new DecodingOptions(6, 1, 4096, Integer.MAX_VALUE, 0), LabelOrder.DEFAULT, "cpu", "fp32"));
        assertEquals(3, result.sentences());
        assertEquals(0, result.errors());
        List<Row> rows = spark.read().parquet(out.resolve("predictions").toString()).collectAsList();
        try (ModelTokenizer tokenizer = ModelTokenizer.load(llama)) {
            for (Row r : rows) {
                List<Integer> ids = r.getList(r.fieldIndex("input_ids"));
                assertEquals(1, ids.get(0)); // <s>
                String fed = tokenizer.decode(ids.stream().mapToLong(Integer::longValue).toArray());
                assertTrue(fed.startsWith("[INST]") && fed.endsWith("[/INST]"), fed);
                assertTrue(r.<String>getAs("prompt").startsWith("Please analyze"));
            }
        }
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("llama", run.at("/model/type").asText());
        assertEquals(2048 - 6, run.at("/decoding/max_input_tokens").asInt());
    }

    @Test
    void existingOutputIsRefusedUnlessOverwrite() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("exists"));
        var refused = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(spark, options(out, false)));
        assertTrue(refused.getMessage().contains("--overwrite"), refused.getMessage());
    }
}
