package org.gner.model;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * T5 (v1.0, v1.1, Flan-T5, GNER-T5) running on DJL's PyTorch engine, with the semantics of HF's
 * {@code modeling_t5.py}: RMS layer norm, unscaled attention, bucketed relative position bias owned
 * by block 0 of each stack, cross-attention without position bias, gated-gelu or relu FFN, and a
 * tied lm_head scaled by {@code d_model^-0.5}.
 *
 * <p>Speed choices: q|k|v (and cross k|v, and wi_0|wi_1) are fused into one matmul each, weights are
 * laid out {@code [in, out]} once at load, cross-attention keys/values are computed once per batch in
 * {@link #begin}, the self-attention cache is a preallocated buffer written in place, and the position
 * bias of a decoder step is built in Java for the new query rows only.
 *
 * <p>Precision: weights in the requested dtype (fp32, or fp16 where {@code wo} stays fp32 as HF keeps
 * it); the residual stream, the norm statistics, the softmax and the logits are fp32.
 *
 * <p>Training ({@link #loadForTraining}): the same forward code, fp32, with every weight a leaf that
 * requires a gradient, out-of-place arithmetic where autograd needs the overwritten operand, the
 * position bias gathered from the bias tables as arrays, and a tied lm_head read from {@code shared}.
 * The optimiser updates the fused {@code [in, out]} arrays directly (AdamW is element-wise, so this is
 * the same update as on HF's tensors); {@link #checkpointTensors} splits them back into HF's names.
 */
public final class T5Model implements GenerativeModel {

    private final T5Config config;
    private final ModelSpec spec;
    private final DataType dtype;
    private final NDManager root;
    private final NDManager weights;
    private final NDArray shared; // [vocab, d_model]
    private final NDArray lmHead; // [d_model, vocab]
    private final EncoderBlock[] encoder;
    private final NDArray encoderFinalNorm; // [d_model]
    private final DecoderBlock[] decoder;
    private final NDArray decoderFinalNorm; // [d_model]
    private final float[][] encoderBiasTable; // [buckets][heads]
    private final float[][] decoderBiasTable; // [buckets][heads]
    private final boolean trainable;
    private final NDArray encoderBiasWeights; // [buckets, heads], training only
    private final NDArray decoderBiasWeights; // [buckets, heads], training only
    /** Every weight array by model name, with the HF tensors it holds (several when fused). */
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /**
     * One weight array. {@code transposed}: HF Linear weights {@code [out, in]} concatenated along out
     * and stored {@code [in, sum(out)]}; otherwise stored as HF stores it.
     */
    private record Parameter(List<String> hfNames, boolean transposed, NDArray array) {}

    /** Self-attention with q|k|v fused: {@code qkv [d_model, 3 * inner]}, {@code out [inner, d_model]}. */
    private record SelfAttention(NDArray qkv, NDArray out) {}

    /** {@code q [d_model, inner]}, {@code kv [d_model, 2 * inner]}, {@code out [inner, d_model]}. */
    private record CrossAttention(NDArray q, NDArray kv, NDArray out) {}

    /** {@code wi [d_model, d_ff]}, or {@code [d_model, 2 * d_ff]} = wi_0|wi_1 when gated; {@code wo [d_ff, d_model]}. */
    private record FeedForward(NDArray wi, NDArray wo) {}

    private record EncoderBlock(NDArray selfNorm, SelfAttention self, NDArray ffNorm, FeedForward ff) {}

    private record DecoderBlock(NDArray selfNorm, SelfAttention self, NDArray crossNorm, CrossAttention cross,
            NDArray ffNorm, FeedForward ff) {}

    // ---------------------------------------------------------------- loading

    /**
     * Loads a HF T5 folder ({@code config.json} + safetensors). Every tensor's shape is checked
     * against the config before anything is loaded; bf16 compute is refused (DJL has no bfloat16),
     * bf16 files are widened to the requested dtype.
     */
    public static T5Model load(Path dir, RuntimeOptions options) throws IOException {
        return load(dir, options, false);
    }

    /** Loads a checkpoint in fp32 with every weight requiring a gradient (see the class comment). */
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
        String[] stacks = {"encoder", "decoder"};
        for (String stack : stacks) {
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
            shared = loader.plain("shared.weight", dtype);
            // A trainable tied head must be shared itself, so it is read through a transpose at use.
            lmHead = config.tieWordEmbeddings()
                    ? (trainable ? null : loader.transposed(dtype, "shared.weight"))
                    : loader.transposed(dtype, "lm_head.weight");
            encoder = new EncoderBlock[config.numLayers()];
            for (int i = 0; i < encoder.length; i++) {
                String layer = "encoder.block." + i + ".layer.";
                encoder[i] = new EncoderBlock(
                        loader.plain(layer + "0.layer_norm.weight", dtype),
                        loader.selfAttention(layer + "0.SelfAttention."),
                        loader.plain(layer + "1.layer_norm.weight", dtype),
                        loader.feedForward(layer + "1.DenseReluDense."));
            }
            encoderFinalNorm = loader.plain("encoder.final_layer_norm.weight", dtype);
            decoder = new DecoderBlock[config.numDecoderLayers()];
            for (int i = 0; i < decoder.length; i++) {
                String layer = "decoder.block." + i + ".layer.";
                String cross = layer + "1.EncDecAttention.";
                decoder[i] = new DecoderBlock(
                        loader.plain(layer + "0.layer_norm.weight", dtype),
                        loader.selfAttention(layer + "0.SelfAttention."),
                        loader.plain(layer + "1.layer_norm.weight", dtype),
                        new CrossAttention(
                                loader.transposed(dtype, cross + "q.weight"),
                                loader.transposed(dtype, cross + "k.weight", cross + "v.weight"),
                                loader.transposed(dtype, cross + "o.weight")),
                        loader.plain(layer + "2.layer_norm.weight", dtype),
                        loader.feedForward(layer + "2.DenseReluDense."));
            }
            decoderFinalNorm = loader.plain("decoder.final_layer_norm.weight", dtype);
            encoderBiasTable = loader.table("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            decoderBiasTable = loader.table("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            encoderBiasWeights = trainable
                    ? loader.plain("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", dtype)
                    : null;
            decoderBiasWeights = trainable
                    ? loader.plain("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", dtype)
                    : null;
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

        NDArray plain(String name, DataType type) {
            return keep(store.load(name, scratch, type), false, name);
        }

        /** HF Linear weights {@code [out, in]}, concatenated along out and stored {@code [in, sum(out)]}. */
        NDArray transposed(DataType type, String... names) {
            NDList parts = new NDList();
            for (String name : names) {
                parts.add(store.load(name, scratch, type));
            }
            NDArray fused = names.length == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [out, in]
            Shape shape = fused.getShape();
            // flatten copies the transposed view into memory laid out [in, out]
            return keep(fused.transpose().flatten().reshape(shape.get(1), shape.get(0)), true, names);
        }

        SelfAttention selfAttention(String prefix) {
            return new SelfAttention(
                    transposed(dtype, prefix + "q.weight", prefix + "k.weight", prefix + "v.weight"),
                    transposed(dtype, prefix + "o.weight"));
        }

        FeedForward feedForward(String prefix) {
            NDArray wi = config.isGatedAct()
                    ? transposed(dtype, prefix + "wi_0.weight", prefix + "wi_1.weight")
                    : transposed(dtype, prefix + "wi.weight");
            // HF keeps wo in fp32 for half-precision T5 (_keep_in_fp32_modules): its inputs overflow fp16.
            return new FeedForward(wi, transposed(DataType.FLOAT32, prefix + "wo.weight"));
        }

        float[][] table(String name) {
            NDArray t = store.load(name, scratch, DataType.FLOAT32); // [buckets, heads]
            float[] flat = t.toFloatArray();
            int heads = config.numHeads();
            float[][] table = new float[config.relativeAttentionNumBuckets()][heads];
            for (int b = 0; b < table.length; b++) {
                System.arraycopy(flat, b * heads, table[b], 0, heads);
            }
            return table;
        }

        private NDArray keep(NDArray array, boolean transposed, String... hfNames) {
            array.attach(weights);
            String name = hfNames.length == 1 ? hfNames[0] : String.join("|", hfNames);
            parameters.put(name, new Parameter(List.of(hfNames), transposed, array));
            return array;
        }
    }

    // ---------------------------------------------------------------- training access

    /**
     * The weight arrays in the model's own layout, by name (an HF tensor name, or {@code a|b|c} for a
     * fused one), in load order. In training mode they are the leaves the optimiser updates in place.
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> out.put(name, p.array()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The weights under HF's names and layouts ({@code [out, in]} Linear weights, fused arrays split),
     * as new arrays in {@code out}: what {@code model.safetensors} holds. The tied head is not repeated.
     */
    public Map<String, NDArray> checkpointTensors(NDManager out) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters.values()) {
            if (p.transposed() && config.tieWordEmbeddings() && p.hfNames().equals(List.of("shared.weight"))) {
                continue; // the inference copy of the tied head
            }
            NDArray hf = p.transposed() ? p.array().transpose() : p.array(); // [sum(out), in] or as stored
            NDList parts = p.hfNames().size() == 1 ? new NDList(hf) : hf.split(p.hfNames().size(), 0);
            for (int i = 0; i < parts.size(); i++) {
                NDArray copy = parts.get(i).duplicate(); // contiguous, owned by out
                copy.attach(out);
                tensors.put(p.hfNames().get(i), copy);
            }
        }
        return tensors;
    }

    // ---------------------------------------------------------------- building blocks

    /** T5LayerNorm: RMS norm without mean subtraction, statistics in fp32. {@code x} is fp32. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true); // [..., 1]
        NDArray shifted = variance.addi(config.layerNormEpsilon());
        // pow's gradient needs its input, so training keeps it
        NDArray normed = x.mul(trainable ? shifted.pow(-0.5) : shifted.powi(-0.5));
        return multiply(toType(normed, dtype), weight);
    }

    private NDArray feedForward(NDArray x, FeedForward ff) {
        NDArray hidden = x.matMul(ff.wi()); // [..., d_ff] or [..., 2 * d_ff]
        if (config.isGatedAct()) {
            int dFf = config.dFf();
            NDArray gate = activate(hidden.get(sliceLast(hidden, 0, dFf)));
            hidden = multiply(gate, hidden.get(sliceLast(hidden, dFf, 2 * dFf)));
        } else {
            hidden = activate(hidden);
        }
        return toType(hidden, DataType.FLOAT32).matMul(ff.wo()); // [..., d_model]
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
        double twoC = 2 * Math.sqrt(2 / Math.PI);
        NDArray u2 = multiply(x.square().muli(0.044715 * twoC).addi(twoC), x); // 2u
        return multiply(Activation.sigmoid(u2), x);
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

    /**
     * softmax(q k^T + biases) v, merged back over heads. {@code q [rows, heads, n, d_kv]},
     * {@code keysT [rows, heads, d_kv, T]}, {@code values [rows, heads, T, d_kv]}; each bias broadcasts
     * to {@code [rows, heads, n, T]}. T5 does not scale scores by 1/sqrt(d_kv). Returns {@code [rows, n, inner]}.
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

    /** {@code [rows, n, parts * inner]} -> part {@code index} as {@code [rows, heads, n, d_kv]} (a view). */
    private NDArray heads(NDArray fused, int parts, int index) {
        Shape s = fused.getShape();
        return fused.reshape(s.get(0), s.get(1), parts, config.numHeads(), config.dKv())
                .get(new NDIndex().addAllDim(2).addIndices(index))
                .transpose(0, 2, 1, 3);
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
        long[] ids = new long[prompts.size() * length];
        float[] mask = new float[prompts.size() * length];
        java.util.Arrays.fill(ids, config.padTokenId());
        float min = minValue(dtype);
        for (int b = 0; b < prompts.size(); b++) {
            long[] p = prompts.get(b);
            System.arraycopy(p, 0, ids, b * length, p.length);
            java.util.Arrays.fill(mask, b * length + p.length, (b + 1) * length, min);
        }
        int batch = prompts.size();
        return new Batch(manager.create(ids, new Shape(batch, length)),
                toType(manager.create(mask, new Shape(batch, 1, 1, length)), dtype), length);
    }

    /** The encoder stack: returns the final hidden states {@code [batch, S, d_model]} in the compute dtype. */
    private NDArray encode(NDManager manager, Batch batch) {
        NDArray h = embed(manager, batch.ids()); // [batch, S, d_model]
        NDArray bias = positionBias(manager, false, 0, batch.length(), batch.length()); // [1, heads, S, S]
        for (EncoderBlock block : encoder) {
            NDArray qkv = rmsNorm(h, block.selfNorm()).matMul(block.self().qkv()); // [batch, S, 3 * inner]
            NDArray keysT = heads(qkv, 3, 1).transpose(0, 1, 3, 2);
            NDArray attention = attend(heads(qkv, 3, 0), keysT, heads(qkv, 3, 2), bias, batch.keyMask());
            h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));
            h = residual(h, feedForward(rmsNorm(h, block.ffNorm()), block.ff()));
        }
        return rmsNorm(h, encoderFinalNorm);
    }

    // ---------------------------------------------------------------- decoder

    /** Decoder logits from final hidden states {@code [rows, n, d_model]}: fp32 {@code [rows, n, vocab]}. */
    private NDArray lmHead(NDArray hidden) {
        if (config.tieWordEmbeddings()) {
            hidden = hidden.mul(Math.pow(config.dModel(), -0.5));
        }
        NDArray head = lmHead != null ? lmHead : shared.transpose(); // [d_model, vocab]
        return toType(hidden.matMul(head), DataType.FLOAT32);
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
        int tgt = decoderInputs.get(0).length;
        long[] flat = new long[decoderInputs.size() * tgt];
        for (int b = 0; b < decoderInputs.size(); b++) {
            if (decoderInputs.get(b).length != tgt) {
                throw new IllegalArgumentException("decoder inputs must share one length");
            }
            System.arraycopy(decoderInputs.get(b), 0, flat, b * tgt, tgt);
        }
        try (NDManager tmp = out.newSubManager()) {
            Batch batch = pad(tmp, prompts);
            NDArray encoded = encode(tmp, batch);
            NDArray h = embed(tmp, tmp.create(flat, new Shape(decoderInputs.size(), tgt)));
            NDArray bias = positionBias(tmp, true, 0, tgt, tgt);
            for (DecoderBlock block : decoder) {
                NDArray qkv = rmsNorm(h, block.selfNorm()).matMul(block.self().qkv());
                NDArray keysT = heads(qkv, 3, 1).transpose(0, 1, 3, 2);
                NDArray attention = attend(heads(qkv, 3, 0), keysT, heads(qkv, 3, 2), bias);
                h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));
                NDArray kv = encoded.matMul(block.cross().kv());
                NDArray q = heads(rmsNorm(h, block.crossNorm()).matMul(block.cross().q()), 1, 0);
                attention = attend(q, heads(kv, 2, 0).transpose(0, 1, 3, 2), heads(kv, 2, 1), batch.keyMask());
                h = residual(h, toType(attention.matMul(block.cross().out()), DataType.FLOAT32));
                h = residual(h, feedForward(rmsNorm(h, block.ffNorm()), block.ff()));
            }
            NDArray logits = lmHead(rmsNorm(h, decoderFinalNorm));
            logits.attach(out);
            return logits;
        }
    }

    /**
     * One batch being decoded: cross-attention keys/values and the encoder key mask (fixed), and the
     * self-attention cache, a buffer per layer whose first {@code length} positions are filled.
     */
    private final class T5DecodeState implements DecodeState {
        private static final int INITIAL_CAPACITY = 64;

        private final NDManager manager;
        private final NDArray[] crossKeysT; // per layer [rows, heads, d_kv, S]
        private final NDArray[] crossValues; // per layer [rows, heads, S, d_kv]
        private NDArray keyMask; // [rows, 1, 1, S]
        private final NDArray[] selfKeys; // per layer [rows, heads, capacity, d_kv]
        private final NDArray[] selfValues; // per layer [rows, heads, capacity, d_kv]
        private int rows;
        private int length;
        private int capacity;

        T5DecodeState(NDManager manager, List<long[]> prompts) {
            this.manager = manager;
            this.rows = prompts.size();
            int layers = decoder.length;
            crossKeysT = new NDArray[layers];
            crossValues = new NDArray[layers];
            selfKeys = new NDArray[layers];
            selfValues = new NDArray[layers];
            try (NDManager tmp = manager.newSubManager()) {
                Batch batch = pad(tmp, prompts);
                NDArray encoded = encode(tmp, batch); // [rows, S, d_model]
                for (int i = 0; i < layers; i++) {
                    NDArray kv = encoded.matMul(decoder[i].cross().kv()); // [rows, S, 2 * inner]
                    crossKeysT[i] = keep(heads(kv, 2, 0).transpose(0, 1, 3, 2).flatten()
                            .reshape(rows, config.numHeads(), config.dKv(), batch.length()));
                    crossValues[i] = keep(heads(kv, 2, 1).flatten()
                            .reshape(rows, config.numHeads(), batch.length(), config.dKv()));
                }
                keyMask = keep(batch.keyMask());
            }
            allocateCache(INITIAL_CAPACITY);
        }

        private NDArray keep(NDArray array) {
            array.attach(manager);
            return array;
        }

        private void allocateCache(int newCapacity) {
            Shape shape = new Shape(rows, config.numHeads(), newCapacity, config.dKv());
            for (int i = 0; i < selfKeys.length; i++) {
                selfKeys[i] = grow(selfKeys[i], shape);
                selfValues[i] = grow(selfValues[i], shape);
            }
            capacity = newCapacity;
        }

        private NDArray grow(NDArray old, Shape shape) {
            NDArray fresh = manager.zeros(shape, dtype);
            if (old != null) {
                try (NDManager tmp = manager.newSubManager()) {
                    fresh.set(positions(0, length), old.get(tmp, positions(0, length)));
                }
                old.close();
            }
            return fresh;
        }

        private NDIndex positions(int from, int to) {
            return new NDIndex().addAllDim(2).addSliceDim(from, to);
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public NDArray prefill(NDManager out) {
            if (length != 0) {
                throw new IllegalStateException("prefill must be the first step");
            }
            long[] start = new long[rows];
            java.util.Arrays.fill(start, config.decoderStartTokenId());
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
            int end = length + n;
            if (end > capacity) {
                allocateCache(Math.max(end, 2 * capacity));
            }
            NDManager out = tokens.getManager();
            try (NDManager tmp = out.newSubManager()) {
                NDArray h = embed(tmp, tokens); // [rows, n, d_model]
                NDArray bias = positionBias(tmp, true, length, n, end); // [1, heads, n, end]
                for (int i = 0; i < decoder.length; i++) {
                    DecoderBlock block = decoder[i];
                    NDArray qkv = rmsNorm(h, block.selfNorm()).matMul(block.self().qkv()); // [rows, n, 3 * inner]
                    selfKeys[i].set(positions(length, end), heads(qkv, 3, 1));
                    selfValues[i].set(positions(length, end), heads(qkv, 3, 2));
                    NDArray keysT = selfKeys[i].get(tmp, positions(0, end)).transpose(0, 1, 3, 2);
                    NDArray values = selfValues[i].get(tmp, positions(0, end));
                    NDArray attention = attend(heads(qkv, 3, 0), keysT, values, bias);
                    h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));

                    NDArray q = heads(rmsNorm(h, block.crossNorm()).matMul(block.cross().q()), 1, 0);
                    attention = attend(q, crossKeysT[i], crossValues[i], keyMask);
                    h = residual(h, toType(attention.matMul(block.cross().out()), DataType.FLOAT32));

                    h = residual(h, feedForward(rmsNorm(h, block.ffNorm()), block.ff()));
                }
                NDArray logits = lmHead(rmsNorm(h, decoderFinalNorm));
                logits.attach(out);
                length = end;
                return logits;
            }
        }

        @Override
        public void selectRows(NDArray rowIndices) {
            rows = (int) rowIndices.getShape().get(0);
            for (int i = 0; i < decoder.length; i++) {
                crossKeysT[i] = reselect(crossKeysT[i], rowIndices);
                crossValues[i] = reselect(crossValues[i], rowIndices);
                selfKeys[i] = reselect(selfKeys[i], rowIndices);
                selfValues[i] = reselect(selfValues[i], rowIndices);
            }
            keyMask = reselect(keyMask, rowIndices);
        }

        private NDArray reselect(NDArray old, NDArray rowIndices) {
            NDArray picked = old.get(manager, new NDIndex("{}", rowIndices));
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
