package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.PackedPositions;
import org.gner.model.RowLengths;
import org.gner.model.StepOutput;
import org.gner.model.t5.T5Layers.Batch;
import org.gner.model.t5.T5Weights.DecoderBlock;

/**
 * One batch being decoded: cross-attention keys/values and the encoder key mask (fixed), and the
 * self-attention cache, one buffer per layer holding keys and values, whose first {@code length}
 * positions are filled.
 */
final class T5DecodeState implements DecodeState {
    private static final int INITIAL_CAPACITY = 64;
    /**
     * The cache grows by this many positions, not by doubling: GNER outputs run to ~640 tokens and
     * at batch 32 x 4 beams a doubled buffer would hold ~40% unused memory (GBs); the extra copies
     * cost well under 1% of a long generation.
     */
    private static final int CAPACITY_STEP = 128;

    private final T5Layers layers;
    private final T5Config config;
    private final DataType dtype;
    private final DecoderBlock[] decoder;
    private final NDManager manager;
    private final NDArray[] crossKeysT; // per layer [rows, heads, d_kv, S], contiguous: q k^T reads it without a copy
    private final NDArray[] crossValues; // per layer [rows, heads, S, d_kv]
    private NDArray keyMask; // [rows, 1, 1, S]
    private final NDArray[] cache; // per layer [2 (keys, values), rows, heads, capacity, d_kv]
    private long[] prompt; // the prompt each row decodes: cross-attention inputs depend only on it
    private int rows;
    /** Tokens cached per row: equal unless {@link #rollback} dropped different numbers of tokens. */
    private int[] lengths;
    private int capacity;

    /** Encodes {@code prompts}; every array lives in {@code manager}, closed with this state. */
    T5DecodeState(T5Layers layers, NDManager manager, List<long[]> prompts) {
        this.layers = layers;
        this.config = layers.config;
        this.dtype = layers.dtype;
        this.decoder = layers.weights.decoder;
        this.manager = manager;
        this.rows = prompts.size();
        this.prompt = new long[rows];
        Arrays.setAll(prompt, i -> i);
        this.lengths = new int[rows];
        int depth = decoder.length;
        crossKeysT = new NDArray[depth];
        crossValues = new NDArray[depth];
        cache = new NDArray[depth];
        int inner = config.innerDim();
        try (NDManager tmp = manager.newSubManager()) {
            Batch batch = layers.pad(tmp, prompts);
            NDArray encoded = layers.encodeInChunks(tmp, batch); // [rows, S, d_model]
            for (int i = 0; i < depth; i++) {
                NDArray kv = encoded.matMul(decoder[i].cross().kv()); // [rows, S, 2 * inner]
                crossKeysT[i] = keep(contiguous(layers.heads(kv, 0, inner).transpose(0, 1, 3, 2)));
                crossValues[i] = keep(contiguous(layers.heads(kv, inner, 2 * inner)));
            }
            keyMask = keep(batch.keyMask());
        }
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
    public StepOutput prefillStep(NDManager out) {
        if (RowLengths.max(lengths) != 0) {
            throw new IllegalStateException("prefill must be the first step");
        }
        long[] start = new long[rows];
        Arrays.fill(start, config.decoderStartTokenId());
        return forwardStep(out.create(start, new Shape(rows, 1)));
    }

    @Override
    public StepOutput forwardStep(NDArray tokens) {
        return forwardStep(tokens, null);
    }

    /**
     * With padding after some rows' tokens, the projections and the feed-forward run over the fed
     * positions only ({@link PackedPositions}); attention and the cache keep the row layout, the padding's
     * queries, keys and values zero (its cache entries are rolled back before any fed query can see them).
     */
    @Override
    public StepOutput forwardStep(NDArray tokens, int[] fed) {
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
            PackedPositions packed = PackedPositions.of(tmp, fed, rows, n);
            // [rows, n, d_model], or [fed, d_model] when packed: so is every position-wise array below
            NDArray h = layers.embed(tmp, packed == null ? tokens : packed.pack(tokens));
            NDArray bias = uniform
                    ? layers.positionBias(tmp, true, length, n, end) // [1, heads, n, end]
                    : layers.rowPositionBias(tmp, lengths, n, end); // [rows, heads, n, end]
            NDIndex slots = uniform ? null : rowSlots(tmp, n); // cache [2, rows, heads, capacity, d_kv] at each row's block
            NDIndex keysSoFar = new NDIndex().addIndices(0).addAllDim(2).addSliceDim(0, end);
            NDIndex valuesSoFar = new NDIndex().addIndices(1).addAllDim(2).addSliceDim(0, end);
            for (int i = 0; i < decoder.length; i++) {
                DecoderBlock block = decoder[i];
                // [rows, n, 3 * inner]
                NDArray qkv = inRows(packed, layers.norm(h, block.self().norm()).matMul(block.self().qkv()));
                NDArray newKv = qkv.get(T5Layers.sliceLast(qkv, inner, 3 * inner)) // [rows, n, 2 * inner]
                        .reshape(rows, n, 2, heads, config.dKv()); // [rows, n, 2, heads, d_kv]
                if (uniform) {
                    cache[i].set(positions(length, end), newKv.transpose(2, 0, 3, 1, 4)); // [2, rows, heads, n, d_kv]
                } else {
                    cache[i].set(slots, newKv); // one scatter for every row at its own length
                }
                NDArray keysT = cache[i].get(tmp, keysSoFar).transpose(0, 1, 3, 2); // [rows, heads, d_kv, end]
                NDArray values = cache[i].get(tmp, valuesSoFar); // [rows, heads, end, d_kv]
                NDArray attention = fedOnly(packed, layers.attend(layers.heads(qkv, 0, inner), keysT, values, bias));
                h = layers.residual(h, T5Layers.toType(attention.matMul(block.self().out()), DataType.FLOAT32));

                // [rows, n, inner]
                NDArray q = inRows(packed, layers.norm(h, block.cross().norm()).matMul(block.cross().q()));
                attention = fedOnly(packed,
                        layers.attend(layers.heads(q, 0, inner), crossKeysT[i], crossValues[i], keyMask));
                h = layers.residual(h, T5Layers.toType(attention.matMul(block.cross().out()), DataType.FLOAT32));

                h = layers.residual(h, layers.feedForward(h, block.ff()));
            }
            StepOutput output = layers.stepOutput(out, inRows(packed, h)); // [rows, n, d_model]
            for (int r = 0; r < rows; r++) {
                lengths[r] += n;
            }
            return output;
        }
    }

    /** A position-wise result in the row layout {@code [rows, n, width]} (zeros at padding when packed). */
    private static NDArray inRows(PackedPositions packed, NDArray x) {
        return packed == null ? x : packed.spread(x);
    }

    /** A row-layout result {@code [rows, n, width]} at the fed positions only when packed. */
    private static NDArray fedOnly(PackedPositions packed, NDArray x) {
        return packed == null ? x : packed.pack(x);
    }

    /**
     * The cache entries of each row's next {@code n} positions, {@code [:, row, :, length(row) + j]}: an
     * advanced index whose selection is {@code [rows, n, 2, heads, d_kv]}, so one in-place write puts
     * every row's block at its own length (a write per row cost a JNI call per row and layer).
     */
    private NDIndex rowSlots(NDManager scope, int n) {
        long[] row = new long[rows * n];
        long[] position = new long[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                row[r * n + j] = r;
                position[r * n + j] = lengths[r] + j;
            }
        }
        return new NDIndex(":, {}, :, {}", scope.create(row, new Shape(rows, n)), scope.create(position, new Shape(rows, n)));
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
                crossKeysT[i] = reselect(crossKeysT[i], pickRows);
                crossValues[i] = reselect(crossValues[i], pickRows);
            }
        }
        if (!samePrompts) {
            keyMask = reselect(keyMask, pickRows);
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
