package org.gner.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.gner.model.CheckpointFiles;
import org.gner.model.weights.Bf16;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.TensorDtype;
import org.gner.testing.SharedData;

/**
 * Writes tiny random LLaMA checkpoints as HF would save them: {@code config.json}, safetensors
 * (one file or an index with two shards) and the real LLaMA tokenizer files.
 */
public final class TinyLlamaCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    private TinyLlamaCheckpoints() {}

    public enum Format { F32, BF16, F16, SHARDED_F32 }

    /** A LLaMA shape small enough for unit tests, with the real 32000-token vocabulary. */
    public record Spec(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab, double ropeTheta,
            long seed) {

        /** Grouped-query attention: 4 query heads of 16 dims sharing 2 key/value heads. */
        public static Spec gqa() {
            return new Spec(64, 96, 2, 4, 2, 32000, 10000.0, 7);
        }

        public Spec withKvHeads(int kvHeads) {
            return new Spec(hidden, intermediate, layers, heads, kvHeads, vocab, ropeTheta, seed);
        }

        public int headDim() {
            return hidden / heads;
        }
    }

    /** A float tensor in HF layout ({@code [out, in]} for linear layers). */
    public record Tensor(long[] shape, float[] values) {}

    public static ObjectNode config(Spec spec) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", spec.hidden());
        c.put("intermediate_size", spec.intermediate());
        c.put("num_hidden_layers", spec.layers());
        c.put("num_attention_heads", spec.heads());
        c.put("num_key_value_heads", spec.kvHeads());
        c.put("hidden_act", "silu");
        c.put("max_position_embeddings", 2048);
        c.put("rms_norm_eps", 1e-6);
        c.put("rope_theta", spec.ropeTheta());
        c.putNull("rope_scaling");
        c.put("vocab_size", spec.vocab());
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("tie_word_embeddings", false);
        c.put("torch_dtype", "float32");
        return c;
    }

    /**
     * Random weights whose logits are far from flat: unit-variance embeddings, projections scaled
     * by 1/sqrt(fan-in) so every layer moves the residual stream, norms near 1 but not equal to it.
     */
    public static Map<String, Tensor> randomWeights(Spec spec) {
        Random random = new Random(spec.seed());
        int h = spec.hidden();
        int q = spec.heads() * spec.headDim();
        int kv = spec.kvHeads() * spec.headDim();
        int inter = spec.intermediate();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", gaussian(random, 1.0, 0.0, spec.vocab(), h));
        for (int i = 0; i < spec.layers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", gaussian(random, 0.1, 1.0, h));
            w.put(p + "self_attn.q_proj.weight", gaussian(random, 1 / Math.sqrt(h), 0.0, q, h));
            w.put(p + "self_attn.k_proj.weight", gaussian(random, 1 / Math.sqrt(h), 0.0, kv, h));
            w.put(p + "self_attn.v_proj.weight", gaussian(random, 1 / Math.sqrt(h), 0.0, kv, h));
            w.put(p + "self_attn.o_proj.weight", gaussian(random, 1 / Math.sqrt(q), 0.0, h, q));
            w.put(p + "post_attention_layernorm.weight", gaussian(random, 0.1, 1.0, h));
            w.put(p + "mlp.gate_proj.weight", gaussian(random, 1 / Math.sqrt(h), 0.0, inter, h));
            w.put(p + "mlp.up_proj.weight", gaussian(random, 1 / Math.sqrt(h), 0.0, inter, h));
            w.put(p + "mlp.down_proj.weight", gaussian(random, 1 / Math.sqrt(inter), 0.0, h, inter));
        }
        w.put("model.norm.weight", gaussian(random, 0.1, 1.0, h));
        w.put("lm_head.weight", gaussian(random, 2 / Math.sqrt(h), 0.0, spec.vocab(), h));
        return w;
    }

    private static Tensor gaussian(Random random, double std, double mean, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean + std * random.nextGaussian());
        }
        return new Tensor(shape, values);
    }

    public static Path write(Path dir, Spec spec, Format format) throws IOException {
        return write(dir, config(spec), randomWeights(spec), format);
    }

    /** Writes {@code weights} in {@code format} plus the config and tokenizer files; returns {@code dir}. */
    public static Path write(Path dir, ObjectNode config, Map<String, Tensor> weights, Format format)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        for (String file : TOKENIZER_FILES) {
            Files.copy(SharedData.path("tokenizers/llama/" + file), dir.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, TensorData> encoded = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            weights.forEach((name, t) -> encoded.put(name, encode(manager, t, format)));
        }
        if (format != Format.SHARDED_F32) {
            SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), encoded, Map.of("format", "pt"));
            return dir;
        }
        List<String> names = new ArrayList<>(encoded.keySet());
        String[] shardNames = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", encoded.values().stream().mapToLong(t -> t.bytes().length).sum());
        ObjectNode weightMap = index.putObject("weight_map");
        for (int shard = 0; shard < 2; shard++) {
            Map<String, TensorData> part = new LinkedHashMap<>();
            for (String name : names.subList(shard * names.size() / 2, (shard + 1) * names.size() / 2)) {
                part.put(name, encoded.get(name));
                weightMap.put(name, shardNames[shard]);
            }
            SafetensorsWriter.write(dir.resolve(shardNames[shard]), part, Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), JSON.writeValueAsString(index));
        return dir;
    }

    private static TensorData encode(NDManager manager, Tensor t, Format format) {
        switch (format) {
            case BF16:
                return new TensorData(TensorDtype.BF16, t.shape(), Bf16.fromFloat32(t.values()));
            case F16:
                try (NDArray a = manager.create(t.values(), new Shape(t.shape()))) {
                    return TensorData.of(a.toType(DataType.FLOAT16, false));
                }
            default:
                ByteBuffer bytes = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(t.values());
                return new TensorData(TensorDtype.F32, t.shape(), bytes.array());
        }
    }

    /** The same weights rounded to what {@code format} can hold, so an F32 file and a half file agree exactly. */
    public static Map<String, Tensor> roundedTo(Map<String, Tensor> weights, Format format) {
        Map<String, Tensor> rounded = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            weights.forEach((name, t) -> {
                float[] values;
                if (format == Format.BF16) {
                    values = new float[t.values().length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Float.intBitsToFloat((Bf16.round(t.values()[i]) & 0xFFFF) << 16);
                    }
                } else if (format == Format.F16) {
                    try (NDArray a = manager.create(t.values())) {
                        values = a.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
                    }
                } else {
                    values = t.values().clone();
                }
                rounded.put(name, new Tensor(t.shape(), values));
            });
        }
        return rounded;
    }
}
