package org.gner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The self-attention keys and values of every decoder layer for one batch being decoded (T5 and LLaMA
 * alike): one buffer per layer, {@code [2 (keys, values), rows, heads, capacity, d]}, of which row r's
 * first {@link #length(int) length(r)} positions are filled. Rows stand at different lengths once
 * {@link #rollback} has dropped different numbers of drafted tokens; a block is then written at each
 * row's own length.
 *
 * <p>A forward pass {@link #reserve reserves} room for its block, {@link #write writes} each layer's keys
 * and values and reads back everything cached so far, then {@link #advance advances} every row. What the
 * first pass wrote (T5's start token, LLaMA's prompt) is the floor {@link #rollback} never goes below.
 */
public final class KvCache {
    /**
     * The buffers grow by this many positions, not by doubling: GNER outputs run to ~640 tokens and at
     * batch 32 x 4 beams a doubled buffer would hold ~40% unused memory (GBs); the extra copies cost well
     * under 1% of a long generation.
     */
    static final int CAPACITY_STEP = 128;

    private final NDManager manager;
    private final DataType dtype;
    private final int heads;
    private final int headDim;
    private final NDArray[] layers; // per layer [2, rows, heads, capacity, d]
    private int capacity;
    private int[] lengths;
    /** Positions the first pass wrote (every row alike), kept by every rollback; 0 before it. */
    private int floor;

    /** An empty cache of {@code capacity} positions per row; its arrays live (and are closed) in {@code manager}. */
    public KvCache(NDManager manager, int layerCount, int rows, int heads, int headDim, DataType dtype, int capacity) {
        if (layerCount < 1 || rows < 1 || heads < 1 || headDim < 1 || capacity < 1) {
            throw new IllegalArgumentException("a cache needs layers, rows, heads, a head size and a capacity: "
                    + layerCount + ", " + rows + ", " + heads + ", " + headDim + ", " + capacity);
        }
        this.manager = manager;
        this.dtype = dtype;
        this.heads = heads;
        this.headDim = headDim;
        this.layers = new NDArray[layerCount];
        this.lengths = new int[rows];
        allocate(capacity);
    }

    public int rows() {
        return lengths.length;
    }

    /** Positions cached for row {@code row}. */
    public int length(int row) {
        return lengths[row];
    }

    /** Positions cached per row (a copy). */
    public int[] lengths() {
        return lengths.clone();
    }

    /** The longest row's length: a block of n positions ends at {@code maxLength() + n}. */
    public int maxLength() {
        return RowLengths.max(lengths);
    }

    /** Whether every row holds as many positions (one slice then serves every row). */
    public boolean uniform() {
        return RowLengths.uniform(lengths);
    }

    /** Makes room for a block of {@code n} positions after the longest row. */
    public void reserve(int n) {
        int needed = maxLength() + n;
        if (needed > capacity) {
            allocate(Math.max(needed, capacity + CAPACITY_STEP));
        }
    }

    private void allocate(int newCapacity) {
        int length = maxLength();
        Shape shape = new Shape(2, rows(), heads, newCapacity, headDim);
        for (int i = 0; i < layers.length; i++) {
            NDArray fresh = manager.zeros(shape, dtype);
            if (layers[i] != null && length > 0) {
                try (NDManager tmp = manager.newSubManager()) {
                    fresh.set(positions(0, length), layers[i].get(tmp, positions(0, length)));
                }
            }
            if (layers[i] != null) {
                layers[i].close();
            }
            layers[i] = fresh;
        }
        capacity = newCapacity;
    }

    /** Positions {@code [from, to)} of both keys and values. */
    private static NDIndex positions(int from, int to) {
        return new NDIndex().addAllDim(3).addSliceDim(from, to);
    }

    /**
     * Stores layer {@code layer}'s block {@code kv} {@code [rows, n, 2 (keys, values), heads, d]} at each
     * row's own length (after {@link #reserve}), and returns that layer's keys and values so far, views
     * {@code [rows, heads, maxLength() + n, d]} owned by {@code scope}. A row behind the longest reads
     * positions past its block that it must mask.
     */
    public NDArray[] write(int layer, NDArray kv, NDManager scope) {
        Shape shape = kv.getShape();
        if (shape.dimension() != 5 || shape.get(0) != rows() || shape.get(2) != 2 || shape.get(3) != heads
                || shape.get(4) != headDim) {
            throw new IllegalArgumentException("a block must be [" + rows() + ", n, 2, " + heads + ", " + headDim
                    + "], got " + shape);
        }
        int n = (int) shape.get(1);
        int end = maxLength() + n;
        if (end > capacity) {
            throw new IllegalStateException("reserve(" + n + ") before writing a block of " + n);
        }
        if (uniform()) {
            layers[layer].set(positions(lengths[0], end), kv.transpose(2, 0, 3, 1, 4)); // [2, rows, heads, n, d]
        } else {
            // one scatter puts every row's block at its own length (a write per row cost a JNI call per row)
            layers[layer].set(rowSlots(scope, n), kv);
        }
        NDArray keys = layers[layer].get(scope, new NDIndex().addIndices(0).addAllDim(2).addSliceDim(0, end));
        NDArray values = layers[layer].get(scope, new NDIndex().addIndices(1).addAllDim(2).addSliceDim(0, end));
        return new NDArray[] {keys, values};
    }

    /**
     * Each row's next {@code n} positions, {@code [:, row, :, length(row) + j]}: an advanced index whose
     * selection is {@code [rows, n, 2, heads, d]}.
     */
    private NDIndex rowSlots(NDManager scope, int n) {
        int rows = rows();
        long[] row = new long[rows * n];
        long[] position = new long[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                row[r * n + j] = r;
                position[r * n + j] = lengths[r] + j;
            }
        }
        return new NDIndex(":, {}, :, {}", scope.create(row, new Shape(rows, n)),
                scope.create(position, new Shape(rows, n)));
    }

    /** Every row now holds the block of {@code n} positions its layers were written. */
    public void advance(int n) {
        for (int r = 0; r < lengths.length; r++) {
            lengths[r] += n;
        }
        if (floor == 0) {
            floor = lengths[0];
        }
    }

    /**
     * Forgets the newest {@code drop[r]} positions of row r. What the first pass wrote is never dropped,
     * so a row keeps at least {@code floor} positions.
     */
    public void rollback(int[] drop) {
        if (drop.length != lengths.length) {
            throw new IllegalArgumentException("rollback needs one count per row: " + lengths.length + ", got "
                    + drop.length);
        }
        for (int r = 0; r < drop.length; r++) {
            if (drop[r] < 0 || lengths[r] - drop[r] < Math.max(floor, 1)) {
                throw new IllegalArgumentException("row " + r + " holds " + lengths[r] + " positions (" + floor
                        + " from the first pass, never dropped), cannot drop " + drop[r]);
            }
        }
        for (int r = 0; r < drop.length; r++) {
            lengths[r] -= drop[r];
        }
    }

    /**
     * Keeps rows {@code picked} (indices into the current rows, repeats allowed; {@code rows} is the same
     * as an int64 array) in that order: beam expansion and reordering, finished rows leaving.
     */
    public void selectRows(long[] picked, NDArray rows) {
        int[] newLengths = new int[picked.length];
        for (int i = 0; i < picked.length; i++) {
            if (picked[i] < 0 || picked[i] >= lengths.length) {
                throw new IllegalArgumentException("row " + picked[i] + " outside [0, " + lengths.length + ")");
            }
            newLengths[i] = lengths[(int) picked[i]];
        }
        NDIndex pick = new NDIndex(":, {}", rows);
        for (int i = 0; i < layers.length; i++) {
            NDArray old = layers[i];
            layers[i] = old.get(manager, pick);
            old.close();
        }
        lengths = newLengths;
    }
}
