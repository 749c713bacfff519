package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.KvCache;
import org.gner.model.PackedPositions;
import org.gner.model.StepOutput;
import org.gner.model.t5.T5Layers.Batch;
import org.gner.model.t5.T5Weights.DecoderBlock;

/**
 * One batch being decoded: cross-attention keys/values and the encoder key mask (fixed), and the
 * self-attention {@link KvCache}.
 */
final class T5DecodeState implements DecodeState {
    private static final int INITIAL_CAPACITY = 64;

    private final T5Layers layers;
    private final T5Config config;
    private final DataType dtype;
    private final DecoderBlock[] decoder;
    private final NDManager manager;
    private final NDArray[] crossKeysT; // per layer [rows, heads, d_kv, S], contiguous: q k^T reads it without a copy
    private final NDArray[] crossValues; // per layer [rows, heads, S, d_kv]
    private NDArray keyMask; // [rows, 1, 1, S]
    private final KvCache cache;
    private long[] prompt; // the prompt each row decodes: cross-attention inputs depend only on it

    /** Encodes {@code prompts}; every array lives in {@code manager}, closed with this state. */
    T5DecodeState(T5Layers layers, NDManager manager, List<long[]> prompts) {
        this.layers = layers;
        this.config = layers.config;
        this.dtype = layers.dtype;
        this.decoder = layers.weights.decoder;
        this.manager = manager;
        this.prompt = new long[prompts.size()];
        Arrays.setAll(prompt, i -> i);
        int depth = decoder.length;
        crossKeysT = new NDArray[depth];
        crossValues = new NDArray[depth];
        try (NDManager tmp = manager.newSubManager()) {
            Batch batch = layers.pad(tmp, prompts);
            NDArray encoded = layers.encodeInChunks(tmp, batch); // [rows, S, d_model]
            for (int i = 0; i < depth; i++) {
                NDArray[] cross = layers.crossKeysValues(encoded, decoder[i]);
                crossKeysT[i] = keep(contiguous(cross[0])); // q k^T reads it without a copy
                crossValues[i] = keep(contiguous(cross[1]));
            }
            keyMask = keep(batch.keyMask());
        }
        cache = new KvCache(manager, depth, prompts.size(), config.numHeads(), config.dKv(), dtype, INITIAL_CAPACITY);
    }

    private NDArray keep(NDArray array) {
        array.attach(manager);
        return array;
    }

    /** A contiguous copy of a strided view. */
    private NDArray contiguous(NDArray view) {
        return view.flatten().reshape(view.getShape());
    }

    @Override
    public int rows() {
        return cache.rows();
    }

    @Override
    public StepOutput prefillStep(NDManager out) {
        if (cache.maxLength() != 0) {
            throw new IllegalStateException("prefill must be the first step");
        }
        long[] start = new long[rows()];
        Arrays.fill(start, config.decoderStartTokenId());
        return forwardStep(out.create(start, new Shape(rows(), 1)));
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
        int rows = rows();
        if (shape.dimension() != 2 || shape.get(0) != rows) {
            throw new IllegalArgumentException("tokens must be [" + rows + ", n], got " + shape);
        }
        int n = (int) shape.get(1);
        if (n < 1) {
            throw new IllegalArgumentException("forward needs at least one token per row");
        }
        cache.reserve(n);
        int end = cache.maxLength() + n;
        NDManager out = tokens.getManager();
        try (NDManager tmp = out.newSubManager()) {
            PackedPositions packed = PackedPositions.of(tmp, fed, rows, n);
            // [rows, n, d_model], or [fed, d_model] when packed: so is every position-wise array below
            NDArray h = layers.embed(tmp, packed == null ? tokens : packed.pack(tokens));
            int[] firstQuery = cache.uniform() ? new int[] {cache.length(0)} : cache.lengths();
            NDArray bias = layers.positionBias(tmp, false, firstQuery, n, end); // [1 or rows, heads, n, end]
            for (int i = 0; i < decoder.length; i++) {
                int layer = i;
                h = layers.decoderBlock(decoder[i], h, packed, rows, n, newKv -> cache.write(layer, newKv, tmp), bias,
                        crossKeysT[i], crossValues[i], keyMask);
            }
            StepOutput output = layers.stepOutput(out, T5Layers.inRows(packed, h)); // [rows, n, d_model]
            cache.advance(n);
            return output;
        }
    }

    @Override
    public void rollback(int[] drop) {
        cache.rollback(drop);
    }

    /**
     * Reorders every cached row. Cross-attention keys/values are only copied when some row now
     * decodes another prompt: beam reorders stay within a prompt's beams, whose copies are equal.
     */
    @Override
    public void selectRows(NDArray rowIndices) {
        long[] picked = rowIndices.toLongArray();
        cache.selectRows(picked, rowIndices);
        long[] newPrompt = new long[picked.length];
        for (int r = 0; r < picked.length; r++) {
            newPrompt[r] = prompt[(int) picked[r]];
        }
        boolean samePrompts = Arrays.equals(newPrompt, prompt);
        prompt = newPrompt;
        NDIndex pickRows = new NDIndex("{}", rowIndices);
        for (int i = 0; i < decoder.length; i++) {
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
