package org.gner.model.t5;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.RowLengths;
import org.gner.model.RuntimeOptions;
import org.gner.model.weights.WeightStore;

/**
 * T5 (v1.0, v1.1, Flan-T5, GNER-T5) running on DJL's PyTorch engine, with the semantics of HF's
 * {@code modeling_t5.py}: RMS layer norm, unscaled attention, bucketed relative position bias owned
 * by block 0 of each stack, cross-attention without position bias, gated-gelu or relu FFN, and a
 * tied lm_head scaled by {@code d_model^-0.5}.
 *
 * <p>Load-time rewrites, exact up to float rounding: every layer norm's weight is folded into the
 * projection that consumes its output ({@code (w * x) W = x (diag(w) W)}), as is the tied-lm_head
 * scale; q|k|v, cross k|v and wi_0|wi_1 are fused into one matmul each; weights are stored
 * {@code [in, out]} (wo excepted), the layout MKL streams fastest for one-row decoding.
 *
 * <p>Decoding: cross-attention keys/values are computed once per batch in {@link #begin}; the
 * self-attention cache is one preallocated buffer per layer written in place; the position bias of a
 * step is built in Java for the new query rows only; attention reads keys through a transposed view
 * (a strided operand MKL handles much faster than a pre-transposed copy).
 *
 * <p>Precision: weights in the requested dtype (fp32, or fp16 where {@code wo} stays fp32 as HF keeps
 * it); the residual stream, the norm statistics, the softmax and the logits are fp32.
 *
 * <p>Training ({@link #loadForTraining}): the same forward code, fp32, with every weight a leaf that
 * requires a gradient. Folded weights are not HF's trainable tensors, so a training model skips the
 * folding: it keeps the layer norms' weights and applies them (and the tied-lm_head scale) in the
 * forward, reads the tied lm_head from {@code shared} at use, and gathers the position bias from the
 * bias tables as arrays. Arithmetic is out of place where autograd needs the overwritten operand. The
 * optimiser updates the fused {@code [in, out]} arrays directly (AdamW is element-wise, so this is the
 * same update as on HF's tensors); {@link #checkpointTensors} splits and transposes them back into
 * HF's names.
 */
public final class T5Model implements GenerativeModel {

    private final T5Config config;
    private final ModelSpec spec;
    private final DataType dtype;
    private final NDManager root;
    private final NDManager weights;
    private final NDArray shared; // [vocab, d_model]
    /** {@code [d_model, vocab]}: decoder final norm (and tied scale) folded in; null when training a tied head. */
    private final NDArray lmHead;
    private final EncoderBlock[] encoder;
    private final DecoderBlock[] decoder;
    private final float[][] encoderBiasTable; // [buckets][heads]
    private final float[][] decoderBiasTable; // [buckets][heads]
    private final Scalars scalars;
    /**
     * Training mode: norm weights and the tied scale are not folded (the fields below and each block's
     * norm weights are set only then), and every weight is a trainable leaf.
     */
    private final boolean trainable;
    private final NDArray encoderFinalNorm; // [d_model], training only (else folded into cross k|v)
    private final NDArray decoderFinalNorm; // [d_model], training only (else folded into lm_head)
    private final NDArray encoderBiasWeights; // [buckets, heads], training only
    private final NDArray decoderBiasWeights; // [buckets, heads], training only
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
    private record SelfAttention(NDArray norm, NDArray qkv, NDArray out) {}

    /**
     * Cross-attention: {@code q [d_model, inner]} (decoder norm folded in), {@code kv [d_model, 2 * inner]}
     * (encoder final norm folded in), {@code out [inner, d_model]}.
     */
    private record CrossAttention(NDArray norm, NDArray q, NDArray kv, NDArray out) {}

    /**
     * {@code wi [d_model, d_ff]}, or {@code [d_model, 2 * d_ff]} = wi_0|wi_1 when gated (norm folded in);
     * {@code wo [d_model, d_ff]} as the checkpoint stores it, and {@code woT [d_ff, d_model]} a transposed
     * view of it made at load (inference reads wo through it; training makes the view at use, so
     * autograd sees it).
     */
    private record FeedForward(NDArray norm, NDArray wi, NDArray wo, NDArray woT) {}

    private record EncoderBlock(SelfAttention self, FeedForward ff) {}

    private record DecoderBlock(SelfAttention self, CrossAttention cross, FeedForward ff) {}

    /** Constants as 0-d arrays, so in-place ops do not allocate a scalar each call. */
    private record Scalars(NDArray eps, NDArray minusHalf, NDArray geluCubic, NDArray geluLinear) {}

    // ---------------------------------------------------------------- loading

    /**
     * Loads a HF T5 folder ({@code config.json} + safetensors). Every tensor's shape is checked
     * against the config before anything is loaded; bf16 compute is refused (DJL has no bfloat16),
     * bf16 files are widened to the requested dtype.
     */
    public static T5Model load(Path dir, RuntimeOptions options) throws IOException {
        return load(dir, options, false);
    }

    /**
     * Loads a checkpoint for training: fp32, norms not folded, every weight a leaf requiring a gradient
     * (see the class comment). The same forward runs; {@link #parameters} are the optimiser's arrays.
     */
    public static T5Model loadForTraining(Path dir, Device device) throws IOException {
        return load(dir, new RuntimeOptions(device, DataType.FLOAT32), true);
    }

    private static T5Model load(Path dir, RuntimeOptions options, boolean trainable) throws IOException {
        T5Config config = T5Config.read(dir.resolve("config.json"));
        WeightStore store = WeightStore.open(dir);
        checkShapes(store, config);
        DataType dtype = options.dtype();
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new UnsupportedOperationException("T5 runs in fp32 or fp16, not " + dtype
                    + " (DJL's PyTorch engine has no bfloat16; bf16 checkpoints are widened on load)");
        }
        NDManager root = NDManager.newBaseManager(options.device());
        try {
            return new T5Model(config, store, dtype, root, trainable);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void checkShapes(WeightStore store, T5Config c) {
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

    private T5Model(T5Config config, WeightStore store, DataType dtype, NDManager root, boolean trainable) {
        this.config = config;
        this.trainable = trainable;
        this.dtype = dtype;
        this.root = root;
        this.spec = new ModelSpec("t5", true, config.vocabSize(), config.eosTokenId(), config.padTokenId(),
                config.decoderStartTokenId(), 0);
        this.weights = root.newSubManager();
        try (NDManager scratch = root.newSubManager()) {
            Loader loader = new Loader(store, scratch);
            shared = loader.plain("shared.weight");
            double tiedScale = config.tieWordEmbeddings() ? Math.pow(config.dModel(), -0.5) : 1;
            // A trainable tied head must be shared itself, so it is read through a transpose at use.
            lmHead = trainable && config.tieWordEmbeddings() ? null
                    : loader.projection(dtype, "decoder.final_layer_norm.weight", tiedScale,
                            config.tieWordEmbeddings() ? "shared.weight" : "lm_head.weight");
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
            weights.cap();
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
            array.attach(weights);
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
    public Map<String, NDArray> parameters() {
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
    public Map<String, NDArray> checkpointTensors(NDManager out) {
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

    /** Whether this model was loaded for training (norms unfolded, weights requiring gradients). */
    public boolean trainable() {
        return trainable;
    }

    private void requireTrainable() {
        if (!trainable) {
            throw new IllegalStateException("an inference T5Model holds folded weights, not HF's tensors: "
                    + "load it with T5Model.loadForTraining");
        }
    }

    // ---------------------------------------------------------------- building blocks

    /**
     * T5LayerNorm without its weight (folded into the next projection): {@code x / sqrt(mean(x^2) + eps)},
     * statistics in fp32, result in the compute dtype. {@code x} is the fp32 residual stream.
     */
    private NDArray normalize(NDArray x) {
        NDArray variance = x.square().mean(new int[] {-1}, true); // [..., 1]
        NDArray shifted = variance.addi(scalars.eps());
        // pow's gradient needs its input, so training keeps it
        NDArray normed = x.mul(trainable ? shifted.pow(scalars.minusHalf()) : shifted.powi(scalars.minusHalf()));
        return toType(normed, dtype);
    }

    /**
     * T5LayerNorm: {@link #normalize}, times the norm's weight when it is not folded into the next
     * projection ({@code weight} non-null only when training).
     */
    private NDArray norm(NDArray x, NDArray weight) {
        NDArray normed = normalize(x);
        return weight == null ? normed : multiply(normed, weight);
    }

    /**
     * {@code a * b}, in place into {@code a} when not training. Autograd needs {@code a} as it was
     * for {@code b}'s gradient (and a sigmoid needs its own output), so training makes a new array.
     */
    private NDArray multiply(NDArray a, NDArray b) {
        return trainable ? a.mul(b) : a.muli(b);
    }

    /** The residual update {@code h + x}: in place when not training (the norms saved {@code h} for backward). */
    private NDArray residual(NDArray h, NDArray x) {
        return trainable ? h.add(x) : h.addi(x);
    }

    private NDArray feedForward(NDArray h, FeedForward ff) {
        NDArray normed = norm(h, ff.norm());
        NDArray hidden = normed.matMul(ff.wi()); // [..., d_ff] or [..., 2 * d_ff]
        if (config.isGatedAct()) {
            int dFf = config.dFf();
            NDArray gate = activate(hidden.get(sliceLast(hidden, 0, dFf)));
            hidden = multiply(gate, hidden.get(sliceLast(hidden, dFf, 2 * dFf)));
        } else {
            hidden = activate(hidden);
        }
        NDArray woT = trainable ? inScopeOf(h, ff.wo().transpose()) : ff.woT(); // [d_ff, d_model]
        return toType(hidden, DataType.FLOAT32).matMul(woT); // [..., d_model]
    }

    /**
     * {@code view} moved into {@code like}'s manager: an op on a weight returns an array in the
     * weights' manager, which lives as long as the model (one handle leaked per training step).
     */
    private static NDArray inScopeOf(NDArray like, NDArray view) {
        view.attach(like.getManager());
        return view;
    }

    private NDArray activate(NDArray x) {
        switch (config.denseActFn()) {
            case "relu":
                return Activation.relu(x);
            case "gelu":
                return Activation.gelu(x);
            default: // gelu_new / gelu_pytorch_tanh
                return geluTanh(x);
        }
    }

    /**
     * HF's gelu_new, {@code 0.5 x (1 + tanh(u))} with {@code u = sqrt(2/pi) (x + 0.044715 x^3)},
     * computed as {@code x * sigmoid(2u)} (the same function) in fewer passes.
     */
    private NDArray geluTanh(NDArray x) {
        NDArray twoU = multiply(x.square().muli(scalars.geluCubic()).addi(scalars.geluLinear()), x);
        return multiply(Activation.sigmoid(twoU), x);
    }

    /**
     * softmax(q k^T + biases) v, merged back over heads. {@code q [rows, heads, n, d_kv]},
     * {@code keysT [rows, heads, d_kv, T]} (a transposed view), {@code values [rows, heads, T, d_kv]};
     * each bias broadcasts to {@code [rows, heads, n, T]}. T5 does not scale scores by 1/sqrt(d_kv).
     * Returns {@code [rows, n, inner]}.
     */
    private NDArray attend(NDArray q, NDArray keysT, NDArray values, NDArray... biases) {
        NDArray scores = q.matMul(keysT); // [rows, heads, n, T]
        for (NDArray bias : biases) {
            scores.addi(bias);
        }
        NDArray probs = toType(toType(scores, DataType.FLOAT32).softmax(-1), dtype);
        NDArray context = probs.matMul(values); // [rows, heads, n, d_kv]
        Shape s = context.getShape();
        return context.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), config.innerDim());
    }

    /** Columns {@code [from, to)} of {@code [rows, n, width]} as heads {@code [rows, heads, n, d_kv]} (a view). */
    private NDArray heads(NDArray x, long from, long to) {
        Shape s = x.getShape();
        NDArray part = from == 0 && to == s.get(2) ? x : x.get(sliceLast(x, from, to));
        return part.reshape(s.get(0), s.get(1), config.numHeads(), config.dKv()).transpose(0, 2, 1, 3);
    }

    /** Token embeddings {@code [rows, n, d_model]} in fp32 (the residual stream), owned by {@code manager}. */
    private NDArray embed(NDManager manager, NDArray ids) {
        NDArray h = ids.getNDArrayInternal().embedding(ids, shared, SparseFormat.DENSE).singletonOrThrow();
        h.attach(manager);
        return toType(h, DataType.FLOAT32);
    }

    private static NDArray toType(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    private static NDIndex sliceLast(NDArray x, long from, long to) {
        return new NDIndex().addAllDim(x.getShape().dimension() - 1).addSliceDim(from, to);
    }

    // ---------------------------------------------------------------- relative position bias

    /**
     * HF's {@code _relative_position_bucket} for one distance {@code memory - query}, computed in
     * float32 as torch does: exact buckets for small distances, logarithmic ones up to
     * {@code maxDistance}, the last bucket beyond. Bidirectional halves the buckets between the two
     * directions; causal maps every key after the query to bucket 0.
     */
    public static int relativePositionBucket(int relativePosition, boolean bidirectional, int numBuckets,
            int maxDistance) {
        int bucket = 0;
        int n = relativePosition;
        if (bidirectional) {
            numBuckets /= 2;
            if (n > 0) {
                bucket += numBuckets;
            }
            n = Math.abs(n);
        } else {
            n = -Math.min(n, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) {
            return bucket + n;
        }
        float logRatio = (float) Math.log(n / (float) maxExact);
        float scaled = logRatio / (float) Math.log(maxDistance / (double) maxExact) * (numBuckets - maxExact);
        return bucket + Math.min(maxExact + (int) scaled, numBuckets - 1);
    }

    /**
     * Position bias (plus causal mask) for queries at absolute positions {@code firstQuery ..
     * firstQuery + queries - 1} over keys {@code 0 .. keys - 1}: {@code [1, heads, queries, keys]}.
     * Masked keys get the dtype's minimum added, as HF's causal mask does.
     */
    private NDArray positionBias(NDManager manager, boolean isDecoder, int firstQuery, int queries, int keys) {
        if (trainable) {
            return trainablePositionBias(manager, isDecoder, firstQuery, queries, keys);
        }
        float[][] table = isDecoder ? decoderBiasTable : encoderBiasTable;
        int heads = config.numHeads();
        float min = minValue(dtype);
        float[] bias = new float[heads * queries * keys];
        int[] buckets = new int[keys];
        for (int i = 0; i < queries; i++) {
            int query = firstQuery + i;
            for (int j = 0; j < keys; j++) {
                buckets[j] = relativePositionBucket(j - query, !isDecoder,
                        config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
            }
            for (int h = 0; h < heads; h++) {
                int row = (h * queries + i) * keys;
                for (int j = 0; j < keys; j++) {
                    float value = table[buckets[j]][h];
                    bias[row + j] = isDecoder && j > query ? value + min : value;
                }
            }
        }
        return toType(manager.create(bias, new Shape(1, heads, queries, keys)), dtype);
    }

    /**
     * Decoder position bias and causal mask when rows stand at different lengths: row r's queries
     * sit at positions {@code firstQuery[r] ..}, keys are {@code 0 .. keys - 1} of that row's own
     * cache, and a key after the query (or past the row's own block) is masked:
     * {@code [rows, heads, queries, keys]}.
     */
    private NDArray rowPositionBias(NDManager manager, int[] firstQuery, int queries, int keys) {
        float[][] table = decoderBiasTable;
        int heads = config.numHeads();
        int rows = firstQuery.length;
        float min = minValue(dtype);
        float[] bias = new float[rows * heads * queries * keys];
        java.util.Arrays.fill(bias, min);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < queries; i++) {
                int query = firstQuery[r] + i;
                int visible = Math.min(keys, query + 1);
                for (int j = 0; j < visible; j++) {
                    float[] byHead = table[relativePositionBucket(j - query, false,
                            config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance())];
                    for (int h = 0; h < heads; h++) {
                        bias[((r * heads + h) * queries + i) * keys + j] = byHead[h];
                    }
                }
            }
        }
        return toType(manager.create(bias, new Shape(rows, heads, queries, keys)), dtype);
    }

    /** {@link #positionBias} gathered from the bias weights, so the tables receive gradients (fp32). */
    private NDArray trainablePositionBias(NDManager manager, boolean isDecoder, int firstQuery, int queries,
            int keys) {
        long[] buckets = new long[queries * keys];
        float[] mask = new float[queries * keys];
        for (int i = 0; i < queries; i++) {
            int query = firstQuery + i;
            for (int j = 0; j < keys; j++) {
                buckets[i * keys + j] = relativePositionBucket(j - query, !isDecoder,
                        config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
                mask[i * keys + j] = isDecoder && j > query ? minValue(dtype) : 0;
            }
        }
        NDArray table = isDecoder ? decoderBiasWeights : encoderBiasWeights; // [buckets, heads]
        NDArray ids = manager.create(buckets, new Shape(queries * keys));
        NDArray values = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        values.attach(manager); // [queries * keys, heads]
        NDArray bias = values.transpose().reshape(1, config.numHeads(), queries, keys);
        return bias.add(manager.create(mask, new Shape(1, 1, queries, keys))); // [1, heads, queries, keys]
    }

    /** HF's {@code torch.finfo(dtype).min}, the additive mask value. */
    private static float minValue(DataType type) {
        return type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    }

    // ---------------------------------------------------------------- encoder

    /** Right-padded prompts: ids {@code [batch, S]} and the additive key mask {@code [batch, 1, 1, S]}. */
    private record Batch(NDArray ids, NDArray keyMask, int length) {}

    private Batch pad(NDManager manager, List<long[]> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts");
        }
        int length = 0;
        for (long[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("empty prompt");
            }
            length = Math.max(length, p.length);
        }
        int batch = prompts.size();
        long[] ids = new long[batch * length];
        float[] mask = new float[batch * length];
        Arrays.fill(ids, config.padTokenId());
        float min = minValue(dtype);
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            System.arraycopy(p, 0, ids, b * length, p.length);
            Arrays.fill(mask, b * length + p.length, (b + 1) * length, min);
        }
        return new Batch(manager.create(ids, new Shape(batch, length)),
                toType(manager.create(mask, new Shape(batch, 1, 1, length)), dtype), length);
    }

    /**
     * The encoder stack: returns its output normalized, {@code [batch, S, d_model]} in the compute
     * dtype (the final norm's weight is folded into every cross-attention k|v projection, or applied
     * here when training).
     */
    private NDArray encode(NDManager manager, Batch batch) {
        NDArray h = embed(manager, batch.ids()); // [batch, S, d_model]
        NDArray bias = positionBias(manager, false, 0, batch.length(), batch.length()); // [1, heads, S, S]
        int inner = config.innerDim();
        for (EncoderBlock block : encoder) {
            NDArray qkv = norm(h, block.self().norm()).matMul(block.self().qkv()); // [batch, S, 3 * inner]
            NDArray keysT = heads(qkv, inner, 2 * inner).transpose(0, 1, 3, 2);
            NDArray attention = attend(heads(qkv, 0, inner), keysT, heads(qkv, 2 * inner, 3 * inner), bias,
                    batch.keyMask());
            h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));
            h = residual(h, feedForward(h, block.ff()));
        }
        return norm(h, encoderFinalNorm);
    }

    // ---------------------------------------------------------------- decoder

    /** Logits from the last decoder hidden states {@code [rows, n, d_model]} (fp32): fp32 {@code [rows, n, vocab]}. */
    private NDArray logitsOf(NDArray hidden) {
        if (!trainable) {
            return toType(normalize(hidden).matMul(lmHead), DataType.FLOAT32);
        }
        NDArray head = lmHead != null ? lmHead : inScopeOf(hidden, shared.transpose()); // [d_model, vocab]
        return toType(headInput(hidden).matMul(head), DataType.FLOAT32);
    }

    /** The trainable head's input: the final norm, and HF's tied-head scale when tied. */
    private NDArray headInput(NDArray hidden) {
        NDArray normed = norm(hidden, decoderFinalNorm); // [rows, n, d_model]
        if (config.tieWordEmbeddings()) {
            // HF's tied-head scale. Not mul(Number): DJL makes that scalar from a Java buffer and frees it
            // at once, while autograd keeps it to scale the gradient; here it lives as long as the forward.
            NDArray scale = hidden.getManager().create((float) Math.pow(config.dModel(), -0.5)); // []
            normed = normed.mul(scale);
        }
        return normed;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    public T5Config config() {
        return config;
    }

    @Override
    public NDManager newScope() {
        return root.newSubManager();
    }

    /** Runs the encoder and caches every decoder layer's cross-attention keys and values. */
    @Override
    public DecodeState begin(NDManager scope, List<long[]> promptIds) {
        NDManager stateManager = scope.newSubManager();
        try {
            return new T5DecodeState(stateManager, promptIds);
        } catch (RuntimeException e) {
            stateManager.close();
            throw e;
        }
    }

    /**
     * Uncached teacher-forced logits (the training forward; also the tests' reference): every prompt encoded, every decoder input row fed
     * at once with full causal self-attention recomputed from scratch. Returns fp32
     * {@code [batch, tgt, vocab]} attached to {@code out}.
     */
    public NDArray logits(NDManager out, List<long[]> prompts, List<long[]> decoderInputs) {
        return teacherForced(out, prompts, decoderInputs, null, null);
    }

    /**
     * The trainable model's teacher-forced scores of chosen tokens only: at the flat decoder positions
     * {@code positions} ({@code row * tgt + i}), the logits of {@code k} candidate ids each
     * ({@code candidates}, {@code [positions.length * k]}). Skips the full-vocabulary head, the most
     * expensive part of a small model's step. Returns fp32 {@code [positions, k]} attached to {@code out}.
     */
    public NDArray candidateLogits(NDManager out, List<long[]> prompts, List<long[]> decoderInputs, long[] positions,
            long[] candidates) {
        if (!trainable) {
            throw new IllegalStateException("candidate logits need a model loaded for training");
        }
        if (positions.length == 0 || candidates.length % positions.length != 0) {
            throw new IllegalArgumentException("candidates must be k per position, with at least one position");
        }
        return teacherForced(out, prompts, decoderInputs, positions, candidates);
    }

    private NDArray teacherForced(NDManager out, List<long[]> prompts, List<long[]> decoderInputs, long[] positions,
            long[] candidates) {
        int tgt = decoderInputs.get(0).length;
        long[] flat = new long[decoderInputs.size() * tgt];
        for (int b = 0; b < decoderInputs.size(); b++) {
            if (decoderInputs.get(b).length != tgt) {
                throw new IllegalArgumentException("decoder inputs must share one length");
            }
            System.arraycopy(decoderInputs.get(b), 0, flat, b * tgt, tgt);
        }
        int inner = config.innerDim();
        // On CPU an array made from Java data (ids, masks) reads the direct buffer it was made from,
        // and that buffer is freed once its NDArray closes. Autograd keeps the embedding lookups'
        // ids for backward, so a training forward must not close them before backward runs: it keeps
        // everything in `out` (closed by the step). Closing them early made backward read freed
        // memory (the SIGSEGVs in torchBackward).
        NDManager tmp = trainable ? out : out.newSubManager();
        try {
            Batch batch = pad(tmp, prompts);
            NDArray encoded = encode(tmp, batch);
            NDArray h = embed(tmp, tmp.create(flat, new Shape(decoderInputs.size(), tgt)));
            NDArray bias = positionBias(tmp, true, 0, tgt, tgt);
            for (DecoderBlock block : decoder) {
                NDArray qkv = norm(h, block.self().norm()).matMul(block.self().qkv());
                NDArray keysT = heads(qkv, inner, 2 * inner).transpose(0, 1, 3, 2);
                NDArray attention = attend(heads(qkv, 0, inner), keysT, heads(qkv, 2 * inner, 3 * inner), bias);
                h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));
                NDArray kv = encoded.matMul(block.cross().kv());
                NDArray q = heads(norm(h, block.cross().norm()).matMul(block.cross().q()), 0, inner);
                attention = attend(q, heads(kv, 0, inner).transpose(0, 1, 3, 2), heads(kv, inner, 2 * inner),
                        batch.keyMask());
                h = residual(h, toType(attention.matMul(block.cross().out()), DataType.FLOAT32));
                h = residual(h, feedForward(h, block.ff()));
            }
            NDArray logits = positions == null ? logitsOf(h) : candidateScores(tmp, h, positions, candidates);
            logits.attach(out);
            return logits;
        } finally {
            if (tmp != out) {
                tmp.close();
            }
        }
    }

    /** Rows {@code ids} of {@code table}, differentiable in the table. */
    private static NDArray lookup(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** fp32 {@code [positions, k]}: the head's rows of each position's candidates against its hidden state. */
    private NDArray candidateScores(NDManager scope, NDArray hidden, long[] positions, long[] candidates) {
        int k = candidates.length / positions.length;
        long d = hidden.getShape().get(2);
        NDArray rows = headInput(hidden).reshape(-1, d); // [batch * tgt, d_model]
        NDArray at = lookup(scope.create(positions), rows); // [positions, d_model]
        NDArray table = lmHead != null ? inScopeOf(hidden, lmHead.transpose()) : shared; // [vocab, d_model]
        NDArray weights = lookup(scope.create(candidates), table); // [positions * k, d_model]
        NDArray candidateRows = weights.reshape(positions.length, k, d); // [positions, k, d_model]
        NDArray scores = candidateRows.matMul(at.expandDims(2)).squeeze(2); // [positions, k]
        return toType(scores, DataType.FLOAT32);
    }

    /**
     * One batch being decoded: cross-attention keys/values and the encoder key mask (fixed), and the
     * self-attention cache, one buffer per layer holding keys and values, whose first {@code length}
     * positions are filled.
     */
    private final class T5DecodeState implements DecodeState {
        private static final int INITIAL_CAPACITY = 64;
        /**
         * The cache grows by this many positions, not by doubling: GNER outputs run to ~640 tokens and
         * at batch 32 x 4 beams a doubled buffer would hold ~40% unused memory (GBs); the extra copies
         * cost well under 1% of a long generation.
         */
        private static final int CAPACITY_STEP = 128;

        private final NDManager manager;
        private final NDArray[] crossKeys; // per layer [rows, heads, S, d_kv]
        private final NDArray[] crossKeysT; // per layer, a view: [rows, heads, d_kv, S]
        private final NDArray[] crossValues; // per layer [rows, heads, S, d_kv]
        private NDArray keyMask; // [rows, 1, 1, S]
        private final NDArray[] cache; // per layer [2 (keys, values), rows, heads, capacity, d_kv]
        private long[] prompt; // the prompt each row decodes: cross-attention inputs depend only on it
        private int rows;
        /** Tokens cached per row: equal unless {@link #rollback} dropped different numbers of tokens. */
        private int[] lengths;
        private int capacity;

        T5DecodeState(NDManager manager, List<long[]> prompts) {
            this.manager = manager;
            this.rows = prompts.size();
            this.prompt = new long[rows];
            Arrays.setAll(prompt, i -> i);
            this.lengths = new int[rows];
            int layers = decoder.length;
            crossKeys = new NDArray[layers];
            crossKeysT = new NDArray[layers];
            crossValues = new NDArray[layers];
            cache = new NDArray[layers];
            int inner = config.innerDim();
            try (NDManager tmp = manager.newSubManager()) {
                Batch batch = pad(tmp, prompts);
                NDArray encoded = encode(tmp, batch); // [rows, S, d_model]
                for (int i = 0; i < layers; i++) {
                    NDArray kv = encoded.matMul(decoder[i].cross().kv()); // [rows, S, 2 * inner]
                    crossKeys[i] = keep(contiguous(heads(kv, 0, inner)));
                    crossValues[i] = keep(contiguous(heads(kv, inner, 2 * inner)));
                }
                keyMask = keep(batch.keyMask());
            }
            transposeCrossKeys();
            allocateCache(INITIAL_CAPACITY);
        }

        private NDArray keep(NDArray array) {
            array.attach(manager);
            return array;
        }

        /** A contiguous copy of a strided view. */
        private NDArray contiguous(NDArray view) {
            return view.flatten().reshape(view.getShape());
        }

        private void transposeCrossKeys() {
            for (int i = 0; i < crossKeys.length; i++) {
                crossKeysT[i] = crossKeys[i].transpose(0, 1, 3, 2);
            }
        }

        private void allocateCache(int newCapacity) {
            Shape shape = new Shape(2, rows, config.numHeads(), newCapacity, config.dKv());
            for (int i = 0; i < cache.length; i++) {
                NDArray fresh = manager.zeros(shape, dtype);
                int length = RowLengths.max(lengths);
                if (cache[i] != null && length > 0) {
                    try (NDManager tmp = manager.newSubManager()) {
                        fresh.set(positions(0, length), cache[i].get(tmp, positions(0, length)));
                    }
                    cache[i].close();
                }
                cache[i] = fresh;
            }
            capacity = newCapacity;
        }

        /** Cache positions {@code [from, to)} of both keys and values. */
        private NDIndex positions(int from, int to) {
            return new NDIndex().addAllDim(3).addSliceDim(from, to);
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public NDArray prefill(NDManager out) {
            if (RowLengths.max(lengths) != 0) {
                throw new IllegalStateException("prefill must be the first step");
            }
            long[] start = new long[rows];
            Arrays.fill(start, config.decoderStartTokenId());
            try (NDManager tmp = out.newSubManager()) {
                NDArray logits = forward(tmp.create(start, new Shape(rows, 1)));
                NDArray first = logits.get(new NDIndex().addAllDim().addIndices(0)); // [rows, vocab]
                first.attach(out);
                return first;
            }
        }

        @Override
        public NDArray forward(NDArray tokens) {
            Shape shape = tokens.getShape();
            if (shape.dimension() != 2 || shape.get(0) != rows) {
                throw new IllegalArgumentException("tokens must be [" + rows + ", n], got " + shape);
            }
            int n = (int) shape.get(1);
            if (n < 1) {
                throw new IllegalArgumentException("forward needs at least one token per row");
            }
            boolean uniform = RowLengths.uniform(lengths);
            int length = lengths[0];
            int end = RowLengths.max(lengths) + n;
            if (end > capacity) {
                allocateCache(Math.max(end, capacity + CAPACITY_STEP));
            }
            int inner = config.innerDim();
            int heads = config.numHeads();
            NDManager out = tokens.getManager();
            try (NDManager tmp = out.newSubManager()) {
                NDArray h = embed(tmp, tokens); // [rows, n, d_model]
                NDArray bias = uniform
                        ? positionBias(tmp, true, length, n, end) // [1, heads, n, end]
                        : rowPositionBias(tmp, lengths, n, end); // [rows, heads, n, end]
                NDIndex keysSoFar = new NDIndex().addIndices(0).addAllDim(2).addSliceDim(0, end);
                NDIndex valuesSoFar = new NDIndex().addIndices(1).addAllDim(2).addSliceDim(0, end);
                for (int i = 0; i < decoder.length; i++) {
                    DecoderBlock block = decoder[i];
                    NDArray qkv = norm(h, block.self().norm()).matMul(block.self().qkv()); // [rows, n, 3 * inner]
                    NDArray newKv = qkv.get(sliceLast(qkv, inner, 3 * inner)) // [rows, n, 2 * inner]
                            .reshape(rows, n, 2, heads, config.dKv())
                            .transpose(2, 0, 3, 1, 4); // [2, rows, heads, n, d_kv]
                    if (uniform) {
                        cache[i].set(positions(length, end), newKv);
                    } else {
                        writeRows(cache[i], newKv, n);
                    }
                    NDArray keysT = cache[i].get(tmp, keysSoFar).transpose(0, 1, 3, 2); // [rows, heads, d_kv, end]
                    NDArray values = cache[i].get(tmp, valuesSoFar); // [rows, heads, end, d_kv]
                    NDArray attention = attend(heads(qkv, 0, inner), keysT, values, bias);
                    h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));

                    NDArray q = heads(norm(h, block.cross().norm()).matMul(block.cross().q()), 0, inner);
                    attention = attend(q, crossKeysT[i], crossValues[i], keyMask);
                    h = residual(h, toType(attention.matMul(block.cross().out()), DataType.FLOAT32));

                    h = residual(h, feedForward(h, block.ff()));
                }
                NDArray logits = logitsOf(h);
                logits.attach(out);
                for (int r = 0; r < rows; r++) {
                    lengths[r] += n;
                }
                return logits;
            }
        }

        /**
         * Writes each row's block {@code [2, rows, heads, n, d_kv]} at that row's own length. Slices
         * only (no integer index): DJL then copies in place; an integer index took its advanced-indexing
         * path, measured ~12 ms per row and layer at the GNER-T5-base shape.
         */
        private void writeRows(NDArray layerCache, NDArray newKv, int n) {
            for (int r = 0; r < rows; r++) {
                NDIndex target = new NDIndex().addAllDim().addSliceDim(r, r + 1).addAllDim()
                        .addSliceDim(lengths[r], lengths[r] + n);
                try (NDArray rowKv = newKv.get(new NDIndex().addAllDim().addSliceDim(r, r + 1))) { // [2, 1, heads, n, d_kv]
                    layerCache.set(target, rowKv);
                }
            }
        }

        @Override
        public void rollback(int[] drop) {
            if (drop.length != rows) {
                throw new IllegalArgumentException("rollback needs one count per row: " + rows + ", got " + drop.length);
            }
            for (int r = 0; r < rows; r++) {
                if (drop[r] < 0 || drop[r] >= lengths[r]) {
                    throw new IllegalArgumentException("row " + r + " holds " + lengths[r] + " tokens, cannot drop "
                            + drop[r]);
                }
            }
            for (int r = 0; r < rows; r++) {
                lengths[r] -= drop[r];
            }
        }

        /**
         * Reorders every cached row. Cross-attention keys/values are only copied when some row now
         * decodes another prompt: beam reorders stay within a prompt's beams, whose copies are equal.
         */
        @Override
        public void selectRows(NDArray rowIndices) {
            long[] picked = rowIndices.toLongArray();
            long[] newPrompt = new long[picked.length];
            int[] newLengths = new int[picked.length];
            for (int r = 0; r < picked.length; r++) {
                newPrompt[r] = prompt[(int) picked[r]];
                newLengths[r] = lengths[(int) picked[r]];
            }
            lengths = newLengths;
            boolean samePrompts = Arrays.equals(newPrompt, prompt);
            rows = picked.length;
            prompt = newPrompt;
            NDIndex pickRows = new NDIndex("{}", rowIndices);
            NDIndex pickCacheRows = new NDIndex(":, {}", rowIndices);
            for (int i = 0; i < decoder.length; i++) {
                cache[i] = reselect(cache[i], pickCacheRows);
                if (!samePrompts) {
                    crossKeysT[i].close();
                    crossKeys[i] = reselect(crossKeys[i], pickRows);
                    crossValues[i] = reselect(crossValues[i], pickRows);
                }
            }
            if (!samePrompts) {
                keyMask = reselect(keyMask, pickRows);
                transposeCrossKeys();
            }
        }

        private NDArray reselect(NDArray old, NDIndex pick) {
            NDArray picked = old.get(manager, pick);
            old.close();
            return picked;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Override
    public void close() {
        root.close();
    }
}
