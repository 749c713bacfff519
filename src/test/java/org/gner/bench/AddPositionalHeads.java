package org.gner.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.model.t5.RelativePositionBuckets;
import org.gner.model.t5.T5Config;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.WeightStore;
import org.gner.train.Checkpoints;

/**
 * {@code bench/run AddPositionalHeads <model> <output> [encoder offsets] [decoder offsets] [seed]}:
 * the model with new attention heads in every block, computing the same function. T5 has one head
 * count for all attentions, so each self-attention and cross-attention grows by the same number of
 * heads. The new self-attention heads are fixed-offset heads ({@link PositionalHeads}: query rows
 * zero, bias column {@code +8} at the offset's bucket, {@code -8} elsewhere); new cross-attention
 * heads are drawn as HF initialises them. Every new head's output columns are zero, so it starts
 * silent and training grows it. Defaults: encoder {@code -1,1,-2,2}, decoder {@code -1,-2,-3,-4}
 * (a word's label type is chosen 3-5 tokens after the word: {@code word ( B - type}).
 * fp32 output for {@code train --model}.
 */
public final class AddPositionalHeads {
    private AddPositionalHeads() {}

    public static void main(String[] args) throws Exception {
        List<Integer> encoder = offsets(args.length > 2 ? args[2] : "-1,1,-2,2");
        List<Integer> decoder = offsets(args.length > 3 ? args[3] : "-1,-2,-3,-4");
        int seed = args.length > 4 ? Integer.parseInt(args[4]) : 42;
        int heads = add(Path.of(args[0]), Path.of(args[1]), encoder, decoder, seed);
        System.out.printf("%d heads per attention now; wrote %s%n", heads, args[1]);
    }

    static List<Integer> offsets(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    /** Writes {@code from} with the new heads into {@code to}; returns the new head count. */
    public static int add(Path from, Path to, List<Integer> encoderOffsets, List<Integer> decoderOffsets, int seed)
            throws java.io.IOException {
        if (encoderOffsets.size() != decoderOffsets.size() || encoderOffsets.isEmpty()) {
            throw new IllegalArgumentException("T5 has one head count: give the encoder and the decoder as many"
                    + " new heads (" + encoderOffsets.size() + " vs " + decoderOffsets.size() + ")");
        }
        for (int offset : decoderOffsets) {
            new PositionalHeads.Head("decoder", 0, offset); // refuses a decoder head that looks ahead
        }
        Engine.getInstance().setRandomSeed(seed);
        T5Config config = T5Config.read(from.resolve("config.json"));
        int added = encoderOffsets.size();
        long dModel = config.dModel();
        long extra = (long) added * config.dKv();
        ObjectMapper json = new ObjectMapper();
        ObjectNode configJson = (ObjectNode) json.readTree(from.resolve("config.json").toFile());
        configJson.put("num_heads", config.numHeads() + added);
        Checkpoints.copyGenerationConfigAndTokenizer(from, to);
        Files.writeString(to.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(configJson));
        WeightStore store = WeightStore.open(from);
        Map<String, TensorData> out = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String name : store.names().stream().sorted().toList()) {
                NDArray w = store.load(name, scope, DataType.FLOAT32);
                boolean self = name.contains(".SelfAttention.");
                boolean attention = self || name.contains(".EncDecAttention.");
                if (name.endsWith("relative_attention_bias.weight")) { // [buckets, heads]
                    boolean encoder = name.startsWith("encoder");
                    List<Integer> offsets = encoder ? encoderOffsets : decoderOffsets;
                    float[] columns = new float[config.relativeAttentionNumBuckets() * added]; // [buckets, added]
                    java.util.Arrays.fill(columns, -PositionalHeads.DEFAULT_STRENGTH);
                    for (int h = 0; h < added; h++) {
                        int bucket = RelativePositionBuckets.bucket(offsets.get(h), encoder,
                                config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
                        columns[bucket * added + h] = PositionalHeads.DEFAULT_STRENGTH;
                    }
                    w = w.concat(scope.create(columns, new Shape(config.relativeAttentionNumBuckets(), added)), 1);
                } else if (attention && name.endsWith(".q.weight")) { // [heads * d_kv, d_model]
                    w = w.concat(self ? scope.zeros(new Shape(extra, dModel))
                            : scope.randomNormal(0, (float) Math.pow(dModel * config.dKv(), -0.5),
                                    new Shape(extra, dModel), DataType.FLOAT32), 0);
                } else if (attention && (name.endsWith(".k.weight") || name.endsWith(".v.weight"))) {
                    w = w.concat(scope.randomNormal(0, (float) Math.pow(dModel, -0.5), new Shape(extra, dModel),
                            DataType.FLOAT32), 0); // [(heads + added) * d_kv, d_model]
                } else if (attention && name.endsWith(".o.weight")) { // [d_model, heads * d_kv]
                    w = w.concat(scope.zeros(new Shape(dModel, extra)), 1);
                }
                out.put(name, TensorData.of(w));
            }
        }
        SafetensorsWriter.write(to.resolve("model.safetensors"), out, Map.of("format", "pt"));
        return config.numHeads() + added;
    }
}
