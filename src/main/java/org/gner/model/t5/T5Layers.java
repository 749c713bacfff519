package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.List;
import org.gner.model.PackedPositions;
import org.gner.model.StepOutput;
import org.gner.model.t5.T5Weights.FeedForward;

/**
 * T5's forward, shared by its two paths ({@link T5DecodeState}, cached decoding; {@link T5TeacherForcing},
 * every target position at once, for training): layer norm, attention, feed-forward, relative position
 * bias, the encoder stack and the head, over one {@link T5Weights}. With training weights the
 * arithmetic is out of place wherever autograd needs an overwritten operand, the norms' weights (and the
 * tied-head scale) are applied here, and the position bias is gathered from its trainable table.
 */
final class T5Layers {

    final T5Weights weights;
    final T5Config config;
    final DataType dtype;
    final boolean trainable;
    private final T5Weights.Scalars scalars;

    T5Layers(T5Weights weights) {
        this.weights = weights;
        this.config = weights.config;
        this.dtype = weights.dtype;
        this.trainable = weights.trainable;
        this.scalars = weights.scalars;
    }

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
    NDArray norm(NDArray x, NDArray weight) {
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
    NDArray residual(NDArray h, NDArray x) {
        return trainable ? h.add(x) : h.addi(x);
    }

    NDArray feedForward(NDArray h, FeedForward ff) {
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
    static NDArray inScopeOf(NDArray like, NDArray view) {
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
    NDArray attend(NDArray q, NDArray keysT, NDArray values, NDArray... biases) {
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
    NDArray heads(NDArray x, long from, long to) {
        Shape s = x.getShape();
        NDArray part = from == 0 && to == s.get(2) ? x : x.get(sliceLast(x, from, to));
        return part.reshape(s.get(0), s.get(1), config.numHeads(), config.dKv()).transpose(0, 2, 1, 3);
    }

    /** Token embeddings {@code [rows, n, d_model]} in fp32 (the residual stream), owned by {@code manager}. */
    NDArray embed(NDManager manager, NDArray ids) {
        NDArray h = ids.getNDArrayInternal().embedding(ids, weights.shared, SparseFormat.DENSE).singletonOrThrow();
        h.attach(manager);
        return toType(h, DataType.FLOAT32);
    }

    static NDArray toType(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    static NDIndex sliceLast(NDArray x, long from, long to) {
        return new NDIndex().addAllDim(x.getShape().dimension() - 1).addSliceDim(from, to);
    }

    // ---------------------------------------------------------------- relative position bias

    /**
     * T5's relative position bias, the encoder's ({@code bidirectional}) or the decoder's with its causal
     * mask, for row r's queries at positions {@code firstQuery[r] .. firstQuery[r] + queries - 1} over
     * keys {@code 0 .. keys - 1}: {@code [rows, heads, queries, keys]}. One row stands for every row whose
     * queries sit alike (the encoder, a decoder block where every row holds as many tokens); rows at
     * different lengths (rolled-back drafts) each get their own. A key after the query (or past the row's own
     * block) gets the dtype's minimum, which softmax makes 0 (HF adds it to the bias).
     *
     * <p>The bucket of a key depends only on its distance to the query, so the bias is built from one strip
     * per head over every distance in play, each query's keys one contiguous run of it. Training gathers the
     * same buckets from the trainable tables, so they receive gradients.
     */
    NDArray positionBias(NDManager manager, boolean bidirectional, int[] firstQuery, int queries, int keys) {
        int lastQuery = Arrays.stream(firstQuery).max().orElseThrow() + queries - 1;
        int nearest = -lastQuery; // the smallest key - query distance
        int farthest = bidirectional ? keys - 1 - Arrays.stream(firstQuery).min().orElseThrow() : 0;
        int[] buckets = new int[farthest - nearest + 1]; // bucket of distance nearest + t
        for (int t = 0; t < buckets.length; t++) {
            buckets[t] = RelativePositionBuckets.bucket(nearest + t, bidirectional,
                    config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
        }
        if (trainable) {
            return gatheredPositionBias(manager, bidirectional, buckets, nearest, firstQuery, queries, keys);
        }
        float[][] table = bidirectional ? weights.encoderBiasTable : weights.decoderBiasTable; // [buckets][heads]
        int heads = config.numHeads();
        float[][] strips = new float[heads][buckets.length];
        for (int t = 0; t < buckets.length; t++) {
            for (int h = 0; h < heads; h++) {
                strips[h][t] = table[buckets[t]][h];
            }
        }
        int rows = firstQuery.length;
        float[] bias = new float[rows * heads * queries * keys];
        if (!bidirectional) {
            Arrays.fill(bias, minValue(dtype));
        }
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < queries; i++) {
                int query = firstQuery[r] + i;
                int visible = bidirectional ? keys : Math.min(keys, query + 1);
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(strips[h], -query - nearest, bias, ((r * heads + h) * queries + i) * keys, visible);
                }
            }
        }
        return toType(manager.create(bias, new Shape(rows, heads, queries, keys)), dtype);
    }

    /** {@link #positionBias} gathered from the trainable bias tables, plus the mask: fp32. */
    private NDArray gatheredPositionBias(NDManager manager, boolean bidirectional, int[] buckets, int nearest,
            int[] firstQuery, int queries, int keys) {
        int rows = firstQuery.length;
        long[] ids = new long[rows * queries * keys];
        float[] mask = new float[rows * queries * keys];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < queries; i++) {
                int query = firstQuery[r] + i;
                int visible = bidirectional ? keys : Math.min(keys, query + 1);
                int at = (r * queries + i) * keys;
                for (int j = 0; j < keys; j++) {
                    ids[at + j] = j < visible ? buckets[j - query - nearest] : 0;
                    mask[at + j] = j < visible ? 0 : minValue(dtype);
                }
            }
        }
        NDArray table = bidirectional ? weights.encoderBiasWeights : weights.decoderBiasWeights; // [buckets, heads]
        NDArray index = manager.create(ids, new Shape(ids.length));
        NDArray values = index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
        values.attach(manager); // [rows * queries * keys, heads]
        NDArray bias = values.reshape(rows, (long) queries * keys, config.numHeads()).transpose(0, 2, 1)
                .reshape(rows, config.numHeads(), queries, keys);
        return bias.add(manager.create(mask, new Shape(rows, 1, queries, keys))); // [rows, heads, queries, keys]
    }

    /** HF's {@code torch.finfo(dtype).min}, the additive mask value. */
    private static float minValue(DataType type) {
        return type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    }

    // ---------------------------------------------------------------- encoder

    /** Right-padded prompts: ids {@code [batch, S]} and the additive key mask {@code [batch, 1, 1, S]}. */
    record Batch(NDArray ids, NDArray keyMask, int length) {}

    Batch pad(NDManager manager, List<long[]> prompts) {
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
    NDArray encode(NDManager manager, Batch batch) {
        return encode(manager, batch, positionBias(manager, true, new int[] {0}, batch.length(), batch.length()));
    }

    /**
     * {@link #encode} a few rows at a time, so that no intermediate (attention scores {@code [rows, heads, S,
     * S]}, the feed-forward's {@code [rows, S, d_ff]}) passes {@link #ENCODER_CHUNK_BYTES}: glibc serves an
     * allocation above 32 MB (its largest mmap threshold) with fresh pages every time, which made the
     * encoder's softmax and attention products 2-3x slower than the same work in chunks (48 prompts of 170
     * tokens at the shipped model's shape: softmax 33 vs 11 ms). Rows are encoded independently, so the
     * output is the same.
     */
    NDArray encodeInChunks(NDManager manager, Batch batch) {
        long rows = batch.ids().getShape().get(0);
        long perRow = (long) batch.length() * Math.max((long) config.numHeads() * batch.length(),
                (config.isGatedAct() ? 2L : 1L) * config.dFf()) * 4;
        long chunk = Math.max(1, ENCODER_CHUNK_BYTES / perRow);
        if (trainable || chunk >= rows) {
            return encode(manager, batch);
        }
        NDArray bias = positionBias(manager, true, new int[] {0}, batch.length(), batch.length()); // [1, heads, S, S]
        NDList parts = new NDList();
        for (long from = 0; from < rows; from += chunk) {
            NDIndex range = new NDIndex().addSliceDim(from, Math.min(rows, from + chunk));
            Batch part = new Batch(batch.ids().get(range), batch.keyMask().get(range), batch.length());
            parts.add(encode(manager, part, bias)); // [chunk, S, d_model]
        }
        return NDArrays.concat(parts, 0); // [rows, S, d_model]
    }

    private static final long ENCODER_CHUNK_BYTES = 8L << 20;

    private NDArray encode(NDManager manager, Batch batch, NDArray bias) {
        NDArray h = embed(manager, batch.ids()); // [batch, S, d_model]
        int inner = config.innerDim();
        for (T5Weights.EncoderBlock block : weights.encoder) {
            NDArray qkv = norm(h, block.self().norm()).matMul(block.self().qkv()); // [batch, S, 3 * inner]
            NDArray keysT = heads(qkv, inner, 2 * inner).transpose(0, 1, 3, 2);
            NDArray attention = attend(heads(qkv, 0, inner), keysT, heads(qkv, 2 * inner, 3 * inner), bias,
                    batch.keyMask());
            h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));
            h = residual(h, feedForward(h, block.ff()));
        }
        return norm(h, weights.encoderFinalNorm);
    }

    // ---------------------------------------------------------------- decoder

    /** Where a decoder block's self-attention reads its keys and values: the cache, or the block itself. */
    interface SelfAttentionKeys {
        /**
         * From the block's new keys and values {@code [rows, n, 2, heads, d_kv]}: the keys and values the
         * block's queries attend to, each {@code [rows, heads, T, d_kv]}.
         */
        NDArray[] of(NDArray newKv);
    }

    /** Teacher forcing's self-attention keys: the block's own, every position fed at once. */
    static NDArray[] ownKeys(NDArray newKv) { // [rows, n, 2, heads, d_kv]
        return new NDArray[] {newKv.get(":, :, 0").transpose(0, 2, 1, 3), newKv.get(":, :, 1").transpose(0, 2, 1, 3)};
    }

    /**
     * A decoder block's cross-attention keys (transposed) and values from the normalized encoder output
     * {@code [rows, S, d_model]}: {@code [rows, heads, d_kv, S]} and {@code [rows, heads, S, d_kv]}, views.
     */
    NDArray[] crossKeysValues(NDArray encoded, T5Weights.DecoderBlock block) {
        int inner = config.innerDim();
        NDArray kv = encoded.matMul(block.cross().kv()); // [rows, S, 2 * inner]
        return new NDArray[] {heads(kv, 0, inner).transpose(0, 1, 3, 2), heads(kv, inner, 2 * inner)};
    }

    /**
     * One T5 decoder block, for cached decoding and teacher forcing alike, over the fp32 residual stream
     * {@code h} {@code [rows, n, d_model]} (or {@code [fed, d_model]} when {@code packed}: the projections
     * and the feed-forward then run over the fed positions only, attention keeps the row layout):
     * self-attention with {@code selfBias} over {@code selfKeys}, cross-attention over {@code crossKeysT}
     * {@code [rows, heads, d_kv, S]} and {@code crossValues} {@code [rows, heads, S, d_kv]} with
     * {@code keyMask}, then the feed-forward. Returns the new residual stream, shaped as {@code h}.
     */
    NDArray decoderBlock(T5Weights.DecoderBlock block, NDArray h, PackedPositions packed, int rows, int n,
            SelfAttentionKeys selfKeys, NDArray selfBias, NDArray crossKeysT, NDArray crossValues, NDArray keyMask) {
        int inner = config.innerDim();
        NDArray qkv = inRows(packed, norm(h, block.self().norm()).matMul(block.self().qkv())); // [rows, n, 3 * inner]
        NDArray newKv = qkv.get(sliceLast(qkv, inner, 3 * inner)) // [rows, n, 2 * inner]
                .reshape(rows, n, 2, config.numHeads(), config.dKv()); // [rows, n, 2, heads, d_kv]
        NDArray[] self = selfKeys.of(newKv); // each [rows, heads, T, d_kv]
        NDArray attention = fedOnly(packed,
                attend(heads(qkv, 0, inner), self[0].transpose(0, 1, 3, 2), self[1], selfBias));
        h = residual(h, toType(attention.matMul(block.self().out()), DataType.FLOAT32));

        NDArray q = inRows(packed, norm(h, block.cross().norm()).matMul(block.cross().q())); // [rows, n, inner]
        attention = fedOnly(packed, attend(heads(q, 0, inner), crossKeysT, crossValues, keyMask));
        h = residual(h, toType(attention.matMul(block.cross().out()), DataType.FLOAT32));

        return residual(h, feedForward(h, block.ff()));
    }

    /** A position-wise result in the row layout {@code [rows, n, width]} (zeros at padding when packed). */
    static NDArray inRows(PackedPositions packed, NDArray x) {
        return packed == null ? x : packed.spread(x);
    }

    /** A row-layout result {@code [rows, n, width]} at the fed positions only when packed. */
    private static NDArray fedOnly(PackedPositions packed, NDArray x) {
        return packed == null ? x : packed.pack(x);
    }

    // ---------------------------------------------------------------- decoder head

    /** Logits from the last decoder hidden states {@code [rows, n, d_model]} (fp32): fp32 {@code [rows, n, vocab]}. */
    NDArray logitsOf(NDArray hidden) {
        if (!trainable) {
            return toType(normalize(hidden).matMul(weights.lmHead), DataType.FLOAT32);
        }
        NDArray head = weights.lmHead != null ? weights.lmHead : inScopeOf(hidden, weights.shared.transpose()); // [d_model, vocab]
        return toType(headInput(hidden).matMul(head), DataType.FLOAT32);
    }

    /**
     * The decoder's output {@code hidden} {@code [rows, n, d_model]} before the head, as a {@link StepOutput}
     * in {@code out}: the same head input and head as {@link #logitsOf}, so its full logits are those.
     */
    StepOutput stepOutput(NDManager out, NDArray hidden) {
        NDArray input = trainable ? headInput(hidden) : normalize(hidden); // [rows, n, d_model]
        input.attach(out);
        if (weights.lmHead != null) {
            return StepOutput.ofHidden(input, weights.lmHead, weights.lmHeadRows);
        }
        NDArray head = weights.shared.transpose(); // [d_model, vocab], trainable and tied: the model's manager is open
        head.attach(out);
        return StepOutput.ofHidden(input, head, weights.shared);
    }

    /** The trainable head's input: the final norm, and HF's tied-head scale when tied. */
    NDArray headInput(NDArray hidden) {
        NDArray normed = norm(hidden, weights.decoderFinalNorm); // [rows, n, d_model]
        if (config.tieWordEmbeddings()) {
            // HF's tied-head scale. Not mul(Number): DJL makes that scalar from a Java buffer and frees it
            // at once, while autograd keeps it to scale the gradient; here it lives as long as the forward.
            NDArray scale = hidden.getManager().create((float) Math.pow(config.dModel(), -0.5)); // []
            normed = normed.mul(scale);
        }
        return normed;
    }
}
