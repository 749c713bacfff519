package org.gner.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.KvCache;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.RowLengths;
import org.gner.model.StepOutput;
import org.gner.model.RuntimeOptions;
import org.gner.model.weights.WeightStore;

/**
 * LLaMA (GNER-LLaMA-7B is LLaMA-1) with the semantics of HF's {@code modeling_llama.py}: RMSNorm,
 * rotate-half rotary embeddings, grouped-query attention, SwiGLU MLP, a KV cache, and batches
 * left-padded with positions derived from the attention mask.
 *
 * <p>Weights live in the model's manager. Projections are fused ({@code q|k|v}, {@code gate|up})
 * and transposed to {@code [in, out]} once at load, so every linear layer is one {@code matMul}.
 * Not thread-safe: one decoding at a time per model.
 */
public final class LlamaModel implements GenerativeModel {
    /**
     * Additive score of a key a query may not see. Finite on purpose: a query at a left-padding
     * position sees no key at all, and -inf would turn its row (and, through the next layer's
     * values, everything) into NaN. Its output is never read.
     */
    private static final float MASKED = -1e9f;

    private final LlamaConfig config;
    private final ModelSpec spec;
    private final DataType dtype;
    private final NDManager weights;
    private final NDArray embedTokens; // [vocab, hidden]
    private final List<DecoderLayer> layers;
    private final NDArray finalNorm; // [hidden]
    private final NDArray lmHead; // [hidden, vocab]
    private final NDArray lmHeadRows; // [vocab, hidden], a view of lmHead: the candidate head's table
    private final NDArray ropeCos; // [maxPositions, headDim]
    private final NDArray ropeSin; // [maxPositions, headDim]

    /** One decoder layer's weights, linear layers as {@code [in, out]}. */
    private record DecoderLayer(
            NDArray inputNorm, // [hidden]
            NDArray qkv, // [hidden, (heads + 2 * kvHeads) * headDim]
            NDArray o, // [heads * headDim, hidden]
            NDArray postAttentionNorm, // [hidden]
            NDArray gateUp, // [hidden, 2 * intermediate]
            NDArray down) {} // [intermediate, hidden]

    private LlamaModel(LlamaConfig config, DataType dtype, NDManager weights, NDArray embedTokens,
            List<DecoderLayer> layers, NDArray finalNorm, NDArray lmHead) {
        this.config = config;
        this.dtype = dtype;
        this.weights = weights;
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.lmHeadRows = lmHead.transpose();
        NDArray[] rope = rotaryTables(weights, config.headDim(), config.ropeTheta(), config.maxPositionEmbeddings());
        this.ropeCos = rope[0].toType(dtype, false);
        this.ropeSin = rope[1].toType(dtype, false);
        this.spec = new ModelSpec("llama", false, config.vocabSize(), config.eosTokenId(), config.padTokenId(), -1,
                config.maxPositionEmbeddings());
    }

    // ---------------------------------------------------------------- loading

    /** Loads a HF LLaMA folder ({@code config.json} + safetensors), checking every shape first. */
    public static LlamaModel load(Path dir, RuntimeOptions options) throws IOException {
        DataType dtype = options.dtype();
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new UnsupportedOperationException("LLaMA runs in fp32 or fp16, not " + dtype
                    + " (DJL's PyTorch engine has no bfloat16; bf16 checkpoints are widened at load)");
        }
        LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
        WeightStore store = WeightStore.open(dir);
        checkShapes(store, config);
        NDManager weights = NDManager.newBaseManager(options.device());
        try {
            NDArray embed = store.load("model.embed_tokens.weight", weights, dtype);
            List<DecoderLayer> layers = new ArrayList<>();
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                String p = "model.layers." + i + ".";
                layers.add(new DecoderLayer(
                        store.load(p + "input_layernorm.weight", weights, dtype),
                        fusedTransposed(store, weights, dtype,
                                p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight"),
                        fusedTransposed(store, weights, dtype, p + "self_attn.o_proj.weight"),
                        store.load(p + "post_attention_layernorm.weight", weights, dtype),
                        fusedTransposed(store, weights, dtype, p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"),
                        fusedTransposed(store, weights, dtype, p + "mlp.down_proj.weight")));
            }
            NDArray norm = store.load("model.norm.weight", weights, dtype);
            NDArray lmHead = fusedTransposed(store, weights, dtype,
                    config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
            return new LlamaModel(config, dtype, weights, embed, layers, norm, lmHead);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static void checkShapes(WeightStore store, LlamaConfig c) {
        long hidden = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        store.requireShape("model.embed_tokens.weight", c.vocabSize(), hidden);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            store.requireShape(p + "input_layernorm.weight", hidden);
            store.requireShape(p + "self_attn.q_proj.weight", q, hidden);
            store.requireShape(p + "self_attn.k_proj.weight", kv, hidden);
            store.requireShape(p + "self_attn.v_proj.weight", kv, hidden);
            store.requireShape(p + "self_attn.o_proj.weight", hidden, q);
            store.requireShape(p + "post_attention_layernorm.weight", hidden);
            store.requireShape(p + "mlp.gate_proj.weight", inter, hidden);
            store.requireShape(p + "mlp.up_proj.weight", inter, hidden);
            store.requireShape(p + "mlp.down_proj.weight", hidden, inter);
        }
        store.requireShape("model.norm.weight", hidden);
        if (!c.tieWordEmbeddings()) {
            store.requireShape("lm_head.weight", c.vocabSize(), hidden);
        }
    }

    /** HF {@code [out, in]} weights stacked along out, as one contiguous {@code [in, sum(out)]} matrix. */
    private static NDArray fusedTransposed(WeightStore store, NDManager weights, DataType dtype, String... names) {
        try (NDManager scratch = weights.newSubManager()) {
            NDList parts = new NDList();
            for (String name : names) {
                parts.add(store.load(name, scratch, dtype));
            }
            NDArray stacked = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0); // [out, in]
            Shape transposedShape = new Shape(stacked.getShape().get(1), stacked.getShape().get(0));
            // flatten copies the transposed view into row-major order
            NDArray transposed = stacked.transpose().flatten().reshape(transposedShape); // [in, out]
            transposed.attach(weights);
            return transposed;
        }
    }

    // ---------------------------------------------------------------- building blocks

    /** HF LlamaRMSNorm: variance in fp32, eps inside the rsqrt, then the weight. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray x32 = x.toType(DataType.FLOAT32, false); // [..., hidden]
        NDArray variance = x32.pow(2).mean(new int[] {x.getShape().dimension() - 1}, true); // [..., 1]
        NDArray normed = x32.mul(variance.add(eps).pow(-0.5)).toType(x.getDataType(), false);
        return normed.mul(weight);
    }

    /**
     * cos and sin {@code [positions, headDim]} (fp32) of HF's rotary embedding: dimension i and
     * i + headDim/2 share the angle {@code position * theta^(-2i/headDim)}.
     */
    static NDArray[] rotaryTables(NDManager manager, int headDim, double theta, int positions) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = 1f / (float) Math.pow(theta, (float) (2 * i) / headDim);
        }
        float[] cos = new float[positions * headDim];
        float[] sin = new float[positions * headDim];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(positions, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    /** {@code x * cos + rotate_half(x) * sin}, where rotate_half(x) = [-x2, x1] for the halves x1, x2. */
    static NDArray applyRotary(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().getLastDimension() / 2;
        NDArray x1 = x.get("..., :{}", half); // [..., headDim / 2]
        NDArray x2 = x.get("..., {}:", half); // [..., headDim / 2]
        NDArray rotated = x2.neg().concat(x1, -1); // [..., headDim]
        return x.mul(cos).add(rotated.mul(sin));
    }

    // ---------------------------------------------------------------- forward

    /**
     * Runs the decoder over {@code ids} {@code [rows, n]}, row r's block placed after its
     * {@code past[r]} cached tokens (in {@code cache}, when there is one), and returns the
     * final-normed hidden states {@code [rows, n, hidden]} in {@code step}. Row r starts with
     * {@code pads[r]} padding tokens.
     */
    private NDArray decode(NDManager step, NDArray ids, int[] pads, int[] past, KvCache cache) {
        int n = Math.toIntExact(ids.getShape().get(1));
        NDArray positions = step.create(positionIds(pads, past, n, config.maxPositionEmbeddings()),
                new Shape(pads.length, n)); // [rows, n]
        NDArray cos = ropeCos.get(step, new NDIndex("{}", positions)).expandDims(1); // [rows, 1, n, headDim]
        NDArray sin = ropeSin.get(step, new NDIndex("{}", positions)).expandDims(1); // [rows, 1, n, headDim]
        NDArray mask = attentionMask(step, pads, past, n); // [rows, 1, 1, n, max(past) + n]
        NDArray hidden = embedTokens.get(step, new NDIndex("{}", ids)); // [rows, n, hidden]
        for (int i = 0; i < layers.size(); i++) {
            DecoderLayer layer = layers.get(i);
            try (NDManager scope = step.newSubManager()) {
                // everything computed from the residual stream lands in (and dies with) the scope
                hidden.attach(scope);
                hidden.addi(selfAttention(layer, i, rmsNorm(hidden, layer.inputNorm(), config.rmsNormEps()),
                        cos, sin, mask, cache, scope)); // residual stream [rows, n, hidden]
                hidden.addi(mlp(layer, rmsNorm(hidden, layer.postAttentionNorm(), config.rmsNormEps())));
                hidden.attach(step);
            }
        }
        return rmsNorm(hidden, finalNorm, config.rmsNormEps());
    }

    private NDArray selfAttention(DecoderLayer layer, int layerIndex, NDArray x, NDArray cos, NDArray sin,
            NDArray mask, KvCache cache, NDManager scope) {
        long rows = x.getShape().get(0);
        long n = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int group = config.groupSize();
        int d = config.headDim();
        NDArray qkv = x.matMul(layer.qkv()) // [rows, n, (heads + 2 * kvHeads) * d]
                .reshape(rows, n, heads + 2L * kvHeads, d)
                .transpose(0, 2, 1, 3); // [rows, heads + 2 * kvHeads, n, d]
        NDArray qk = applyRotary(qkv.get(":, :{}", heads + kvHeads), cos, sin); // [rows, heads + kvHeads, n, d]
        NDArray q = qk.get(":, :{}", heads); // [rows, heads, n, d]
        NDArray k = qk.get(":, {}:", heads); // [rows, kvHeads, n, d]
        NDArray v = qkv.get(":, {}:", heads + kvHeads); // [rows, kvHeads, n, d]
        NDArray keys = k; // [rows, kvHeads, past + n, d]
        NDArray values = v; // [rows, kvHeads, past + n, d]
        if (cache != null) {
            // [rows, n, 2, kvHeads, d]
            NDArray block = k.transpose(0, 2, 1, 3).stack(v.transpose(0, 2, 1, 3), 2);
            NDArray[] cached = cache.write(layerIndex, block, scope);
            keys = cached[0];
            values = cached[1];
        }
        long total = keys.getShape().get(2);
        // Query head h reads key/value head h / group (HF's repeat_kv). Folding each group's queries
        // into one matrix per key/value head gives the same products without copying K and V.
        NDArray groupedQueries = q.reshape(rows, kvHeads, group * n, d); // [rows, kvHeads, group * n, d]
        NDArray scores = groupedQueries.matMul(keys.transpose(0, 1, 3, 2)) // [rows, kvHeads, group * n, total]
                .mul(1.0 / Math.sqrt(d))
                .toType(DataType.FLOAT32, false)
                .reshape(rows, kvHeads, group, n, total)
                .add(mask); // [rows, kvHeads, group, n, total]
        NDArray probs = scores.softmax(-1).toType(dtype, false).reshape(rows, kvHeads, group * n, total);
        NDArray context = probs.matMul(values) // [rows, kvHeads, group * n, d]
                .reshape(rows, heads, n, d)
                .transpose(0, 2, 1, 3)
                .reshape(rows, n, (long) heads * d); // [rows, n, heads * d]
        return context.matMul(layer.o()); // [rows, n, hidden]
    }

    /** SwiGLU: down(silu(gate(x)) * up(x)). */
    private NDArray mlp(DecoderLayer layer, NDArray x) {
        long inter = config.intermediateSize();
        NDArray gateUp = x.matMul(layer.gateUp()); // [rows, n, 2 * intermediate]
        NDArray gate = gateUp.get("..., :{}", inter); // [rows, n, intermediate]
        NDArray up = gateUp.get("..., {}:", inter); // [rows, n, intermediate]
        NDArray activated = Activation.sigmoid(gate).muli(gate).muli(up); // silu(gate) * up
        return activated.matMul(layer.down()); // [rows, n, hidden]
    }

    /** fp32 logits of final hidden states {@code [..., hidden]} -> {@code [..., vocab]}. */
    private NDArray project(NDArray hidden) {
        return hidden.matMul(lmHead).toType(DataType.FLOAT32, false);
    }

    /**
     * HF's {@code position_ids = cumsum(attention_mask) - 1} with padding positions set to 1, row-major
     * {@code [rows, n]}: column t of a row with p left pads sits at position t - p. (RoPE scores
     * depend only on position differences, so this keeps HF's numerics rather than the meaning.)
     */
    static long[] positionIds(int[] pads, int past, int n, int maxPositions) {
        int[] pasts = new int[pads.length];
        Arrays.fill(pasts, past);
        return positionIds(pads, pasts, n, maxPositions);
    }

    /** {@link #positionIds(int[], int, int, int)} with each row after its own {@code past[r]} tokens. */
    static long[] positionIds(int[] pads, int[] past, int n, int maxPositions) {
        long[] positions = new long[pads.length * n];
        for (int r = 0; r < pads.length; r++) {
            for (int j = 0; j < n; j++) {
                long position = past[r] + j - pads[r];
                if (position >= maxPositions) {
                    throw new IllegalArgumentException(
                            "position " + position + " exceeds max_position_embeddings " + maxPositions);
                }
                positions[r * n + j] = position < 0 ? 1 : position;
            }
        }
        return positions;
    }

    /**
     * Causal mask over {@code max(past) + n} keys, with each row's left padding hidden from every
     * query (and, for a row behind the longest, the stale cache entries past its own block).
     */
    private static NDArray attentionMask(NDManager manager, int[] pads, int[] past, int n) {
        int total = RowLengths.max(past) + n;
        float[] mask = new float[pads.length * n * total];
        for (int r = 0; r < pads.length; r++) {
            for (int j = 0; j < n; j++) {
                int base = (r * n + j) * total;
                for (int t = 0; t < total; t++) {
                    mask[base + t] = t < pads[r] || t > past[r] + j ? MASKED : 0f;
                }
            }
        }
        return manager.create(mask, new Shape(pads.length, 1, 1, n, total));
    }

    // ---------------------------------------------------------------- public API

    @Override
    public NDManager newScope() {
        return NDManager.newBaseManager(weights.getDevice());
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    public LlamaConfig config() {
        return config;
    }

    /** The manager owning the weights; tests check that decoding leaves nothing in it. */
    NDManager weightsManager() {
        return weights;
    }

    /**
     * Logits of every position of {@code sequences}, left-padded to the longest, in one uncached
     * pass: fp32 {@code [batch, seq, vocab]} in {@code out}. Rows at padding positions are noise.
     */
    public NDArray logits(NDManager out, List<long[]> sequences) {
        LeftPadded batch = leftPad(sequences);
        try (NDManager step = out.newSubManager()) {
            NDArray ids = step.create(batch.ids(), new Shape(batch.rows(), batch.length()));
            NDArray logits = project(decode(step, ids, batch.pads(), new int[batch.rows()], null)); // [batch, seq, vocab]
            logits.attach(out);
            return logits;
        }
    }

    @Override
    public DecodeState begin(NDManager scope, List<long[]> promptIds) {
        return new Decoding(scope.newSubManager(), leftPad(promptIds));
    }

    @Override
    public void close() {
        weights.close();
    }

    /** Prompts as one row-major {@code [rows, length]} block, each row left-padded with the pad id. */
    private record LeftPadded(long[] ids, int[] pads, int length) {
        int rows() {
            return pads.length;
        }
    }

    private LeftPadded leftPad(List<long[]> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences");
        }
        int length = 0;
        for (long[] s : sequences) {
            if (s.length == 0) {
                throw new IllegalArgumentException("empty sequence");
            }
            for (long id : s) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of "
                            + config.vocabSize());
                }
            }
            length = Math.max(length, s.length);
        }
        long[] ids = new long[sequences.size() * length];
        int[] pads = new int[sequences.size()];
        for (int r = 0; r < sequences.size(); r++) {
            long[] s = sequences.get(r);
            pads[r] = length - s.length;
            java.util.Arrays.fill(ids, r * length, r * length + pads[r], config.padTokenId());
            System.arraycopy(s, 0, ids, r * length + pads[r], s.length);
        }
        return new LeftPadded(ids, pads, length);
    }

    // ---------------------------------------------------------------- decoding state

    private final class Decoding implements DecodeState {
        /** Room for this many generated tokens before the cache first grows. */
        private static final int INITIAL_HEADROOM = 128;

        private final NDManager manager;
        private final LeftPadded prompt;
        /** Cached positions per row, padding included: equal unless {@link #rollback} made them differ. */
        private final KvCache cache;
        private int[] pads;

        Decoding(NDManager manager, LeftPadded prompt) {
            this.manager = manager;
            this.prompt = prompt;
            this.pads = prompt.pads().clone();
            this.cache = new KvCache(manager, layers.size(), prompt.rows(), config.numKeyValueHeads(),
                    config.headDim(), dtype, prompt.length() + INITIAL_HEADROOM);
        }

        @Override
        public int rows() {
            return pads.length;
        }

        @Override
        public StepOutput prefillStep(NDManager out) {
            if (cache.maxLength() != 0) {
                throw new IllegalStateException("prefill() already ran");
            }
            try (NDManager step = out.newSubManager()) {
                NDArray ids = step.create(prompt.ids(), new Shape(prompt.rows(), prompt.length()));
                NDArray last = run(step, ids).get(":, -1:"); // [rows, 1, hidden]
                last.attach(out);
                return StepOutput.ofHidden(last, lmHead, lmHeadRows);
            }
        }

        @Override
        public StepOutput forwardStep(NDArray tokens) {
            if (cache.maxLength() == 0) {
                throw new IllegalStateException("call prefill() before forward()");
            }
            if (tokens.getShape().dimension() != 2 || tokens.getShape().get(0) != rows()) {
                throw new IllegalArgumentException("tokens must be [" + rows() + ", n], got " + tokens.getShape());
            }
            NDManager out = tokens.getManager();
            try (NDManager step = out.newSubManager()) {
                NDArray hidden = run(step, tokens); // [rows, n, hidden]
                hidden.attach(out);
                return StepOutput.ofHidden(hidden, lmHead, lmHeadRows);
            }
        }

        private NDArray run(NDManager step, NDArray ids) {
            int n = Math.toIntExact(ids.getShape().get(1));
            cache.reserve(n);
            NDArray hidden = decode(step, ids, pads, cache.lengths(), cache);
            cache.advance(n);
            return hidden;
        }

        @Override
        public void rollback(int[] drop) {
            cache.rollback(drop);
        }

        @Override
        public void selectRows(NDArray rows) {
            long[] picked = rows.toLongArray();
            cache.selectRows(picked, rows);
            int[] newPads = new int[picked.length];
            for (int i = 0; i < picked.length; i++) {
                newPads[i] = pads[(int) picked[i]];
            }
            pads = newPads;
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
