package org.gner.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.gner.generate.DecodingOptions;
import org.gner.model.CheckpointInfo;

/** {@code run.json}: how a generation job ran (model, settings, cluster, throughput). */
final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();

    RunReport(String job) {
        root.put("job", job);
    }

    ObjectNode root() {
        return root;
    }

    RunReport model(String requested, CheckpointInfo checkpoint, String device, String dtype) {
        ObjectNode m = root.putObject("model");
        m.put("id", requested);
        m.put("path", checkpoint.dir().toString());
        m.put("type", checkpoint.modelType());
        m.put("digest", checkpoint.digest());
        m.put("device", device);
        m.put("dtype", dtype);
        return this;
    }

    RunReport decoding(DecodingOptions d, int effectiveMaxInputTokens) {
        ObjectNode n = root.putObject("decoding");
        n.put("max_new_tokens", d.maxNewTokens());
        n.put("num_beams", d.numBeams());
        n.put("length_penalty", 1.0);
        n.put("early_stopping", false);
        n.put("batch_tokens", d.batchTokens());
        n.put("max_input_tokens", effectiveMaxInputTokens);
        n.put("mode", d.guidance().decoding().name().toLowerCase(java.util.Locale.ROOT));
        n.put("draft", d.numBeams() > 1 ? "none" : d.guidance().draft().name().toLowerCase(java.util.Locale.ROOT));
        n.put("draft_tokens", d.guidance().draftTokens());
        n.put("o_bias", d.guidance().outsideBias());
        n.put("truncation", "end of the prompt text, special tokens kept (GNER's tokenizer truncation)");
        return this;
    }

    RunReport spark(SparkSession spark, int partitions, List<String> loadReports) {
        SparkContext sc = spark.sparkContext();
        ObjectNode n = root.putObject("spark");
        n.put("master", sc.master());
        n.put("executors", executorCount(sc));
        n.put("default_parallelism", sc.defaultParallelism());
        n.put("partitions", partitions);
        ObjectNode loads = n.putObject("model_loads");
        modelLoads(loadReports).forEach(loads::put);
        return this;
    }

    /** Throughput over the whole job's wall time (reading, generation, writing). */
    /** Decoder work: passes (summed over rows), output tokens, their ratio and accepted draft tokens. */
    RunReport passes(long decoderPasses, long outputTokens, long acceptedDrafts) {
        ObjectNode n = (ObjectNode) root.get("decoding");
        n.put("decoder_passes", decoderPasses);
        n.put("output_tokens", outputTokens);
        n.put("passes_per_output_token", outputTokens == 0 ? 0.0 : (double) decoderPasses / outputTokens);
        n.put("accepted_draft_tokens", acceptedDrafts);
        return this;
    }

    RunReport timing(long startNanos, long rows, long sentences, long outputTokens) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        ObjectNode n = root.putObject("timing");
        n.put("wall_seconds", seconds);
        n.put("rows_per_second", rows / seconds);
        n.put("sentences_per_second", sentences / seconds);
        n.put("output_tokens_per_second", outputTokens / seconds);
        return this;
    }

    void write(OutputDir out) {
        try {
            out.writeText("run.json", JSON.writeValueAsString(root) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Executors besides the driver; in local mode the driver itself runs the tasks. */
    /** The entity-confidence settings of an annotation run: threshold, temperature, aggregation. */
    static void confidence(ObjectNode root, double minConfidence, java.nio.file.Path modelDir) {
        root.putObject("confidence").put("min_confidence", minConfidence)
                .put("label_temperature", org.gner.generate.LabelTemperature.of(modelDir))
                .put("aggregation",
                        org.gner.metrics.EntityConfidence.DEFAULT.name().toLowerCase(java.util.Locale.ROOT));
    }

    static int executorCount(SparkContext sc) {
        int infos = sc.statusTracker().getExecutorInfos().length;
        return sc.isLocal() ? 1 : Math.max(0, infos - 1);
    }

    /** {@code executorId<TAB>loads} reports to the highest count per executor. */
    static Map<String, Integer> modelLoads(List<String> reports) {
        Map<String, Integer> loads = new TreeMap<>();
        for (String report : reports) {
            String[] parts = report.split("\t");
            loads.merge(parts[0], Integer.parseInt(parts[1]), Math::max);
        }
        return loads;
    }
}
