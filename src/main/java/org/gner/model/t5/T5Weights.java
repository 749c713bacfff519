package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.model.weights.WeightStore;

/**
 * The definition of a T5 model: its weights, read from a HF checkpoint in the layout the forward reads
 * ({@link T5Layers}), in one of two forms. Inference: layer-norm weights (and the tied-head scale) folded
 * into the projections after them, q|k|v, cross k|v and wi_0|wi_1 fused, stored {@code [in, out]}
 * ({@code wo} excepted), in the compute dtype. Training: the same fused layout in fp32, nothing folded,
 * every array a leaf requiring a gradient and registered under the HF tensors it holds, so an optimiser
 * can update it and {@link #checkpointTensors} can write HF's tensors back.
 */
final class T5Weights {

    final T5Config config;
    final DataType dtype;
    /** Owns every weight; capped for inference. */
    private final NDManager manager;
    final NDArray shared; // [vocab, d_model]
    /** {@code [d_model, vocab]}: decoder final norm (and tied scale) folded in; null when training a tied head. */
    final NDArray lmHead;
    final NDArray lmHeadRows; // [vocab, d_model], a view of lmHead (null with it): the candidate head's table
    final EncoderBlock[] encoder;
    final DecoderBlock[] decoder;
    final float[][] encoderBiasTable; // [buckets][heads]
    final float[][] decoderBiasTable; // [buckets][heads]
    final Scalars scalars;
    /**
     * Training mode: norm weights and the tied scale are not folded (the fields below and each block's
     * norm weights are set only then), and every weight is a trainable leaf.
     */
    final boolean trainable;
    final NDArray encoderFinalNorm; // [d_model], training only (else folded into cross k|v)
    final NDArray decoderFinalNorm; // [d_model], training only (else folded into lm_head)
    final NDArray encoderBiasWeights; // [buckets, heads], training only
    final NDArray decoderBiasWeights; // [buckets, heads], training only
    /** Training only: every trainable array by model name, with the HF tensors it holds. */
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /**
     * One trainable array. {@code transposed}: HF Linear weights {@code [out, in]} concatenated along out
     * and stored {@code [in, sum(out)]}; otherwise stored as HF stores it.
     */
    private record Parameter(List<String> hfNames, boolean transposed, NDArray array) {}

    /*
     * In every block record, {@code norm} is the preceding layer norm's weight {@code [d_model]} when
     * training, and null when it is folded into the projection after it (inference).
     */

    /** Self-attention: {@code qkv [d_model, 3 * inner]} (norm folded in), {@code out [inner, d_model]}. */
    record SelfAttention(NDArray norm, NDArray qkv, NDArray out) {}

    /**
     * Cross-attention: {@code q [d_model, inner]} (decoder norm folded in), {@code kv [d_model, 2 * inner]}
     * (encoder final norm folded in), {@code out [inner, d_model]}.
     */
    record CrossAttention(NDArray norm, NDArray q, NDArray kv, NDArray out) {}

    /**
     * {@code wi [d_model, d_ff]}, or {@code [d_model, 2 * d_ff]} = wi_0|wi_1 when gated (norm folded in);
     * {@code wo [d_model, d_ff]} as the checkpoint stores it, and {@code woT [d_ff, d_model]} a transposed
     * view of it made at load (inference reads wo through it; training makes the view at use, so
     * autograd sees it).
     */
    record FeedForward(NDArray norm, NDArray wi, NDArray wo, NDArray woT) {}

    record EncoderBlock(SelfAttention self, FeedForward ff) {}

    record DecoderBlock(SelfAttention self, CrossAttention cross, FeedForward ff) {}

    /** Constants as 0-d arrays, so in-place ops do not allocate a scalar each call. */
    record Scalars(NDArray eps, NDArray minusHalf, NDArray geluCubic, NDArray geluLinear) {}

    /** Reads {@code store} into a sub-manager of {@code root} (its temporaries too, closed here). */
    T5Weights(T5Config config, WeightStore store, DataType dtype, NDManager root, boolean trainable) {
        this.config = config;
        this.trainable = trainable;
        this.dtype = dtype;
        this.manager = root.newSubManager();
        try (NDManager scratch = root.newSubManager()) {
            Loader loader = new Loader(store, scratch);
            shared = loader.plain("shared.weight");
            double tiedScale = config.tieWordEmbeddings() ? Math.pow(config.dModel(), -0.5) : 1;
            // A trainable tied head must be shared itself, so it is read through a transpose at use.
            lmHead = trainable && config.tieWordEmbeddings() ? null
                    : loader.projection(dtype, "decoder.final_layer_norm.weight", tiedScale,
                            config.tieWordEmbeddings() ? "shared.weight" : "lm_head.weight");
            lmHeadRows = lmHead == null ? null : lmHead.transpose();
            encoder = new EncoderBlock[config.numLayers()];
            for (int i = 0; i < encoder.length; i++) {
                String layer = "encoder.block." + i + ".layer.";
                encoder[i] = new EncoderBlock(
                        loader.selfAttention(layer + "0."),
                        loader.feedForward(layer + "1."));
            }
            decoder = new DecoderBlock[config.numDecoderLayers()];
            for (int i = 0; i < decoder.length; i++) {
                String layer = "decoder.block." + i + ".layer.";
                String cross = layer + "1.EncDecAttention.";
                decoder[i] = new DecoderBlock(
                        loader.selfAttention(layer + "0."),
                        new CrossAttention(
                                loader.norm(layer + "1.layer_norm.weight"),
                                loader.projection(dtype, layer + "1.layer_norm.weight", 1, cross + "q.weight"),
                                loader.projection(dtype, "encoder.final_layer_norm.weight", 1,
                                        cross + "k.weight", cross + "v.weight"),
                                loader.projection(dtype, null, 1, cross + "o.weight")),
                        loader.feedForward(layer + "2."));
            }
            encoderFinalNorm = loader.norm("encoder.final_layer_norm.weight");
            decoderFinalNorm = loader.norm("decoder.final_layer_norm.weight");
            encoderBiasTable = loader.table("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            decoderBiasTable = loader.table("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            encoderBiasWeights = trainable
                    ? loader.plain("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
                    : null;
            decoderBiasWeights = trainable
                    ? loader.plain("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
                    : null;
            double c = Math.sqrt(2 / Math.PI);
            scalars = new Scalars(
                    loader.keep(scratch.create((float) config.layerNormEpsilon())),
                    loader.keep(scratch.create(-0.5f)),
                    loader.keep(scratch.create((float) (2 * c * 0.044715))),
                    loader.keep(scratch.create((float) (2 * c))));
        }
        if (trainable) {
            // Not capped: DJL attaches each getGradient() handle to the weight's own manager.
            parameters.values().forEach(p -> p.array().setRequiresGradient(true));
        } else {
            // Any array a forward pass attaches here by mistake would live as long as the model: forbid it.
            manager.cap();
        }
    }

    static void checkShapes(WeightStore store, T5Config c) {
        long d = c.dModel();
        long inner = c.innerDim();
        long ff = c.dFf();
        store.requireShape("shared.weight", c.vocabSize(), d);
        if (!c.tieWordEmbeddings()) {
            store.requireShape("lm_head.weight", c.vocabSize(), d);
        }
        for (String stack : new String[] {"encoder", "decoder"}) {
            boolean isDecoder = stack.equals("decoder");
            int layers = isDecoder ? c.numDecoderLayers() : c.numLayers();
            store.requireShape(stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                    c.relativeAttentionNumBuckets(), c.numHeads());
            store.requireShape(stack + ".final_layer_norm.weight", d);
            for (int i = 0; i < layers; i++) {
                String block = stack + ".block." + i + ".layer.";
                List<String> attentions = isDecoder
                        ? List.of(block + "0.SelfAttention.", block + "1.EncDecAttention.")
                        : List.of(block + "0.SelfAttention.");
                for (String attention : attentions) {
                    for (String proj : new String[] {"q", "k", "v"}) {
                        store.requireShape(attention + proj + ".weight", inner, d);
                    }
                    store.requireShape(attention + "o.weight", d, inner);
                }
                int ffLayer = isDecoder ? 2 : 1;
                for (int sub = 0; sub <= ffLayer; sub++) {
                    store.requireShape(block + sub + ".layer_norm.weight", d);
                }
                String dense = block + ffLayer + ".DenseReluDense.";
                if (c.isGatedAct()) {
                    store.requireShape(dense + "wi_0.weight", ff, d);
                    store.requireShape(dense + "wi_1.weight", ff, d);
                } else {
                    store.requireShape(dense + "wi.weight", ff, d);
                }
                store.requireShape(dense + "wo.weight", d, ff);
            }
        }
    }

    /** Reads checkpoint tensors into the model's layout; temporaries stay in {@code scratch}. */
    private final class Loader {
        private final WeightStore store;
        private final NDManager scratch;

        Loader(WeightStore store, NDManager scratch) {
            this.store = store;
            this.scratch = scratch;
        }

        /**
         * HF Linear weights {@code [out, in]}, concatenated along out and stored {@code [in, sum(out)]},
         * with the preceding layer norm's weight (if any) and {@code scale} folded into the rows, except
         * when training: then neither is folded (the forward applies them) and the array is a parameter.
         */
        NDArray projection(DataType type, String normName, double scale, String... names) {
            NDList parts = new NDList();
            for (String name : names) {
                parts.add(store.load(name, scratch, DataType.FLOAT32));
            }
            NDArray fused = names.length == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [out, in]
            Shape shape = fused.getShape();
            NDArray w = fused.transpose().flatten().reshape(shape.get(1), shape.get(0)); // [in, out], contiguous
            if (trainable) {
                return parameter(w, true, names); // fp32
            }
            if (normName != null) {
                w = w.mul(store.load(normName, scratch, DataType.FLOAT32).reshape(-1, 1));
            }
            if (scale != 1) {
                w = w.mul(scale);
            }
            return keep(w.toType(type, false));
        }

        SelfAttention selfAttention(String layer) {
            String prefix = layer + "SelfAttention.";
            return new SelfAttention(
                    norm(layer + "layer_norm.weight"),
                    projection(dtype, layer + "layer_norm.weight", 1,
                            prefix + "q.weight", prefix + "k.weight", prefix + "v.weight"),
                    projection(dtype, null, 1, prefix + "o.weight"));
        }

        FeedForward feedForward(String layer) {
            String prefix = layer + "DenseReluDense.";
            String norm = layer + "layer_norm.weight";
            NDArray wi = config.isGatedAct()
                    ? projection(dtype, norm, 1, prefix + "wi_0.weight", prefix + "wi_1.weight")
                    : projection(dtype, norm, 1, prefix + "wi.weight");
            // HF keeps wo in fp32 for half-precision T5 (_keep_in_fp32_modules): its inputs overflow fp16.
            // wo stays [out, in] as stored, read through a transposed view: MKL runs this shape faster
            // that way at every batch size (measured), unlike the wider projections.
            NDArray wo = store.load(prefix + "wo.weight", scratch, DataType.FLOAT32);
            wo = trainable ? parameter(wo, false, prefix + "wo.weight") : keep(wo);
            return new FeedForward(norm(norm), wi, wo, keep(wo.transpose()));
        }

        /** A weight stored as the checkpoint stores it, in the compute dtype; a parameter when training. */
        NDArray plain(String name) {
            NDArray array = store.load(name, scratch, dtype);
            return trainable ? parameter(array, false, name) : keep(array);
        }

        /** A layer norm's weight when training; null otherwise (it is folded into a projection). */
        NDArray norm(String name) {
            return trainable ? plain(name) : null;
        }

        float[][] table(String name) {
            float[] flat = store.load(name, scratch, DataType.FLOAT32).toFloatArray(); // [buckets, heads]
            int heads = config.numHeads();
            float[][] table = new float[config.relativeAttentionNumBuckets()][heads];
            for (int b = 0; b < table.length; b++) {
                System.arraycopy(flat, b * heads, table[b], 0, heads);
            }
            return table;
        }

        NDArray keep(NDArray array) {
            array.attach(manager);
            return array;
        }

        /** Keeps a trainable array, registered under its HF tensor names. */
        private NDArray parameter(NDArray array, boolean transposed, String... hfNames) {
            keep(array);
            parameters.put(String.join("|", hfNames), new Parameter(List.of(hfNames), transposed, array));
            return array;
        }
    }

    // ---------------------------------------------------------------- training access

    /**
     * Training mode only: the trainable arrays in the model's own layout, by name (an HF tensor name,
     * or {@code a|b|c} for a fused one), in load order. They are the leaves the optimiser updates in
     * place.
     */
    Map<String, NDArray> parameters() {
        requireTrainable();
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> out.put(name, p.array()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Training mode only: the weights under HF's names and layouts ({@code [out, in]} Linear weights,
     * fused arrays split, layer norm weights as they are), as new arrays in {@code out}: what
     * {@code model.safetensors} holds. A tied head is not written ({@code shared.weight} is it).
     */
    Map<String, NDArray> checkpointTensors(NDManager out) {
        requireTrainable();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager views = out.newSubManager()) {
            for (Parameter p : parameters.values()) {
                NDList parts;
                if (p.transposed()) {
                    NDArray hf = p.array().transpose(); // [sum(out), in], a view
                    hf.attach(views);
                    parts = p.hfNames().size() == 1 ? new NDList(hf) : hf.split(p.hfNames().size(), 0);
                    parts.attach(views);
                } else {
                    parts = new NDList(p.array()); // one tensor, as stored
                }
                for (int i = 0; i < parts.size(); i++) {
                    NDArray copy = parts.get(i).duplicate(); // contiguous
                    copy.attach(out);
                    tensors.put(p.hfNames().get(i), copy);
                }
            }
        }
        return tensors;
    }

    private void requireTrainable() {
        if (!trainable) {
            throw new IllegalStateException("an inference T5Model holds folded weights, not HF's tensors: "
                    + "load it with T5Model.loadForTraining");
        }
    }
}
