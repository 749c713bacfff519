package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gner.model.CheckpointFiles;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.testing.SharedData;

/**
 * Writes random tiny T5 checkpoints in HF's folder layout (config.json, safetensors, the real
 * Flan-T5 tokenizer files), so T5 tests run on real file formats without real weights.
 *
 * <p>Weights are drawn with a fixed seed and standard deviations chosen so logits are far from
 * flat: argmax is meaningful and generated sequences vary with the prompt.
 */
public final class TinyT5Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int VOCAB = 32128;

    private TinyT5Checkpoints() {}

    /** Flan-T5 / GNER-T5 (gated-gelu, untied lm_head) or T5 v1.0 (relu, tied, scaled lm_head). */
    public enum Style {
        FLAN,
        V1
    }

    /** How the tensors are stored: one file in F32, BF16 or F16, or F32 split over two shards. */
    public enum Format {
        F32,
        BF16,
        F16,
        SHARDED
    }

    /** The architecture knobs of a tiny checkpoint; {@code heads * dKv} may differ from {@code dModel}. */
    public record Spec(Style style, int dModel, int dKv, int dFf, int heads, int layers, int decoderLayers,
            long seed) {

        /** 2+2 layers, d_model 32, 4 heads of 12 (inner 48 != d_model), d_ff 40. */
        public static Spec flan(long seed) {
            return new Spec(Style.FLAN, 32, 12, 40, 4, 2, 2, seed);
        }

        /** 2+1 layers (num_decoder_layers differs), d_model 24, 2 heads of 12, d_ff 48. */
        public static Spec v1(long seed) {
            return new Spec(Style.V1, 24, 12, 48, 2, 2, 1, seed);
        }
    }

    public static Path write(Path dir, Spec spec, Format format) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = randomWeights(manager, spec);
            return write(dir, spec, format, tensors);
        }
    }

    /** Writes the given tensors (HF names) as a checkpoint folder of {@code spec}. */
    public static Path write(Path dir, Spec spec, Format format, Map<String, NDArray> tensors) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(config(spec)));
            for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
                Files.copy(SharedData.path("tokenizers/flan-t5/" + name), dir.resolve(name),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, TensorData> data = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                data.put(e.getKey(), encode(e.getValue(), format));
            }
            if (format == Format.SHARDED) {
                writeShards(dir, data);
            } else {
                SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), data, Map.of("format", "pt"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TensorData encode(NDArray array, Format format) {
        switch (format) {
            case BF16:
                return TensorData.bf16(array);
            case F16:
                return TensorData.of(array.toType(DataType.FLOAT16, true));
            default:
                return TensorData.of(array);
        }
    }

    /** Splits the tensors in two halves, HF style: two shard files and an index naming each tensor's shard. */
    private static void writeShards(Path dir, Map<String, TensorData> data) throws IOException {
        Map<String, TensorData> first = new LinkedHashMap<>();
        Map<String, TensorData> second = new LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", data.values().stream().mapToLong(t -> t.bytes().length).sum());
        ObjectNode weightMap = index.putObject("weight_map");
        int i = 0;
        for (Map.Entry<String, TensorData> e : data.entrySet()) {
            boolean inFirst = i++ < data.size() / 2;
            String shard = inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (inFirst ? first : second).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), shard);
        }
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of("format", "pt"));
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), JSON.writeValueAsString(index));
    }

    public static ObjectNode config(Spec spec) {
        boolean flan = spec.style() == Style.FLAN;
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("T5ForConditionalGeneration");
        c.put("model_type", "t5");
        c.put("vocab_size", VOCAB);
        c.put("d_model", spec.dModel());
        c.put("d_kv", spec.dKv());
        c.put("d_ff", spec.dFf());
        c.put("num_layers", spec.layers());
        c.put("num_decoder_layers", spec.decoderLayers());
        c.put("num_heads", spec.heads());
        c.put("relative_attention_num_buckets", 32);
        c.put("relative_attention_max_distance", 128);
        c.put("layer_norm_epsilon", 1e-6);
        c.put("feed_forward_proj", flan ? "gated-gelu" : "relu");
        c.put("tie_word_embeddings", !flan);
        c.put("pad_token_id", 0);
        c.put("eos_token_id", 1);
        c.put("decoder_start_token_id", 0);
        return c;
    }

    /** Random weights for every tensor HF's T5ForConditionalGeneration saves, by HF name. */
    public static Map<String, NDArray> randomWeights(NDManager manager, Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        boolean flan = spec.style() == Style.FLAN;
        int d = spec.dModel();
        int inner = spec.heads() * spec.dKv();
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("shared.weight", normal(manager, random, 2.0, VOCAB, d));
        for (String stack : new String[] {"encoder", "decoder"}) {
            boolean isDecoder = stack.equals("decoder");
            int layers = isDecoder ? spec.decoderLayers() : spec.layers();
            for (int i = 0; i < layers; i++) {
                String block = stack + ".block." + i + ".layer.";
                w.putAll(attention(manager, random, block + "0.SelfAttention.", d, inner));
                if (i == 0) {
                    w.put(block + "0.SelfAttention.relative_attention_bias.weight",
                            normal(manager, random, 0.5, 32, spec.heads()));
                }
                w.put(block + "0.layer_norm.weight", norm(manager, random, d));
                if (isDecoder) {
                    w.putAll(attention(manager, random, block + "1.EncDecAttention.", d, inner));
                    w.put(block + "1.layer_norm.weight", norm(manager, random, d));
                }
                String ff = block + (isDecoder ? 2 : 1) + ".";
                if (flan) {
                    w.put(ff + "DenseReluDense.wi_0.weight", normal(manager, random, 0.3, spec.dFf(), d));
                    w.put(ff + "DenseReluDense.wi_1.weight", normal(manager, random, 0.3, spec.dFf(), d));
                } else {
                    w.put(ff + "DenseReluDense.wi.weight", normal(manager, random, 0.3, spec.dFf(), d));
                }
                w.put(ff + "DenseReluDense.wo.weight", normal(manager, random, 0.3, d, spec.dFf()));
                w.put(ff + "layer_norm.weight", norm(manager, random, d));
            }
            w.put(stack + ".final_layer_norm.weight", norm(manager, random, d));
        }
        if (flan) {
            w.put("lm_head.weight", normal(manager, random, 0.5, VOCAB, d));
        }
        return w;
    }

    private static Map<String, NDArray> attention(NDManager m, SplittableRandom r, String prefix, int d, int inner) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put(prefix + "q.weight", normal(m, r, 0.15, inner, d));
        w.put(prefix + "k.weight", normal(m, r, 0.15, inner, d));
        w.put(prefix + "v.weight", normal(m, r, 0.3, inner, d));
        w.put(prefix + "o.weight", normal(m, r, 0.3, d, inner));
        return w;
    }

    private static NDArray norm(NDManager m, SplittableRandom r, int d) {
        float[] values = new float[d];
        for (int i = 0; i < d; i++) {
            values[i] = (float) (1 + 0.1 * gaussian(r));
        }
        return m.create(values);
    }

    static NDArray normal(NDManager m, SplittableRandom r, double std, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (std * gaussian(r));
        }
        return m.create(values, new Shape(rows, cols));
    }

    /** Box-Muller, so the weights depend only on the seed (not on the JVM's Random implementation). */
    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
