package org.gner.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gner.model.CheckpointFiles;
import org.gner.model.t5.T5Config;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.TensorDtype;

/**
 * Random T5 weights for training from scratch, drawn as HF's {@code T5PreTrainedModel._init_weights}
 * draws them (with {@code initializer_factor} f): embeddings and an untied lm_head N(0, f); q
 * N(0, f (d_model d_kv)^-1/2); k, v N(0, f d_model^-1/2); o N(0, f (heads d_kv)^-1/2); wi, wi_0, wi_1
 * N(0, f d_model^-1/2); wo N(0, f d_ff^-1/2); relative attention bias N(0, f d_model^-1/2); layer norms f.
 * The values depend only on the seed (SplittableRandom + Box-Muller).
 */
public final class T5Initializer {
    private T5Initializer() {}

    /** Writes {@code model.safetensors} (fp32, HF names) for {@code config} into {@code dir}. */
    public static void writeRandomWeights(Path dir, T5Config config, double factor, long seed) throws IOException {
        SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), randomWeights(config, factor, seed),
                Map.of("format", "pt"));
    }

    static Map<String, TensorData> randomWeights(T5Config c, double factor, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = c.dModel();
        Map<String, TensorData> w = new LinkedHashMap<>();
        w.put("shared.weight", normal(random, factor, c.vocabSize(), d));
        for (String stack : new String[] {"encoder", "decoder"}) {
            boolean isDecoder = stack.equals("decoder");
            int layers = isDecoder ? c.numDecoderLayers() : c.numLayers();
            for (int i = 0; i < layers; i++) {
                String block = stack + ".block." + i + ".layer.";
                attention(w, random, c, factor, block + "0.SelfAttention.");
                if (i == 0) {
                    w.put(block + "0.SelfAttention.relative_attention_bias.weight",
                            normal(random, factor * Math.pow(d, -0.5), c.relativeAttentionNumBuckets(), c.numHeads()));
                }
                w.put(block + "0.layer_norm.weight", constant(factor, d));
                if (isDecoder) {
                    attention(w, random, c, factor, block + "1.EncDecAttention.");
                    w.put(block + "1.layer_norm.weight", constant(factor, d));
                }
                String ff = block + (isDecoder ? 2 : 1) + ".";
                double wiStd = factor * Math.pow(d, -0.5);
                if (c.isGatedAct()) {
                    w.put(ff + "DenseReluDense.wi_0.weight", normal(random, wiStd, c.dFf(), d));
                    w.put(ff + "DenseReluDense.wi_1.weight", normal(random, wiStd, c.dFf(), d));
                } else {
                    w.put(ff + "DenseReluDense.wi.weight", normal(random, wiStd, c.dFf(), d));
                }
                w.put(ff + "DenseReluDense.wo.weight", normal(random, factor * Math.pow(c.dFf(), -0.5), d, c.dFf()));
                w.put(ff + "layer_norm.weight", constant(factor, d));
            }
            w.put(stack + ".final_layer_norm.weight", constant(factor, d));
        }
        if (!c.tieWordEmbeddings()) {
            w.put("lm_head.weight", normal(random, factor, c.vocabSize(), d));
        }
        return w;
    }

    private static void attention(Map<String, TensorData> w, SplittableRandom r, T5Config c, double factor,
            String prefix) {
        int d = c.dModel();
        int inner = c.innerDim();
        w.put(prefix + "q.weight", normal(r, factor * Math.pow((double) d * c.dKv(), -0.5), inner, d));
        w.put(prefix + "k.weight", normal(r, factor * Math.pow(d, -0.5), inner, d));
        w.put(prefix + "v.weight", normal(r, factor * Math.pow(d, -0.5), inner, d));
        w.put(prefix + "o.weight", normal(r, factor * Math.pow(inner, -0.5), d, inner));
    }

    private static TensorData constant(double value, int n) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, (float) value);
        return f32(values, n);
    }

    private static TensorData normal(SplittableRandom r, double std, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            double u = 1 - r.nextDouble();
            values[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return f32(values, rows, cols);
    }

    private static TensorData f32(float[] values, long... shape) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new TensorData(TensorDtype.F32, shape, bytes.array());
    }
}
