package org.gner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The fed positions of a decoder block {@code [rows, n]} whose row r holds its own tokens in its first
 * {@code fed[r]} positions and padding after them (drafts of different lengths, finished rows): lets the
 * position-wise layers (projections, feed-forward) run over the fed positions only, {@code [fed, width]},
 * while attention keeps the row layout. Built only when some position is padding.
 */
public final class PackedPositions {
    private final int rows;
    private final int n;
    private final NDArray flatIndex; // [fed]: r * n + j of each fed position, in row order

    private PackedPositions(int rows, int n, NDArray flatIndex) {
        this.rows = rows;
        this.n = n;
        this.flatIndex = flatIndex;
    }

    /**
     * The packing of a {@code [rows, n]} block, or null when every position is fed ({@code fed} null or
     * all n): nothing to skip.
     */
    public static PackedPositions of(NDManager manager, int[] fed, int rows, int n) {
        if (fed == null) {
            return null;
        }
        if (fed.length != rows) {
            throw new IllegalArgumentException("fed needs one count per row: " + rows + ", got " + fed.length);
        }
        int count = 0;
        for (int f : fed) {
            if (f < 0 || f > n) {
                throw new IllegalArgumentException("fed positions must be in [0, " + n + "], got " + f);
            }
            count += f;
        }
        if (count == rows * n) {
            return null;
        }
        if (count == 0) {
            throw new IllegalArgumentException("a block needs at least one fed position");
        }
        long[] index = new long[count];
        int at = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < fed[r]; j++) {
                index[at++] = (long) r * n + j;
            }
        }
        return new PackedPositions(rows, n, manager.create(index, new Shape(count)));
    }

    /** The fed positions of {@code [rows, n, ...]} (or of {@code [rows, n]} token ids): {@code [fed, ...]}. */
    public NDArray pack(NDArray blockLayout) {
        Shape s = blockLayout.getShape();
        NDArray flat = blockLayout.reshape(new Shape(rows * (long) n).addAll(s.slice(2))); // [rows * n, ...]
        return flat.get(new NDIndex("{}", flatIndex));
    }

    /** {@code packed [fed, width]} back in the block layout {@code [rows, n, width]}, zeros at padding. */
    public NDArray spread(NDArray packed) {
        long width = packed.getShape().get(1);
        NDArray block = packed.getManager().zeros(new Shape(rows * (long) n, width), packed.getDataType());
        block.set(new NDIndex("{}", flatIndex), packed);
        return block.reshape(rows, n, width);
    }
}
