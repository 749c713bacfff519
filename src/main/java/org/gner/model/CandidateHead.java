package org.gner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The vocabulary head for chosen tokens only: the scores of k candidate ids per position, computed
 * from those ids' rows of the head instead of the whole vocabulary. One implementation for decoding
 * ({@link StepOutput#candidates}) and training's candidate logits (differentiable in both operands).
 */
public final class CandidateHead {
    private CandidateHead() {}

    /** {@code x} {@code [positions, d]} against the rows {@code ids} {@code [positions, k]} of {@code table} {@code [vocab, d]}. */
    public static NDArray scores(NDArray x, NDArray table, NDArray ids) {
        return dot(rows(table, ids), x);
    }

    /** Rows {@code ids} {@code [positions, k]} of {@code table} {@code [vocab, d]}: {@code [positions, k, d]}, in ids' scope. */
    public static NDArray rows(NDArray table, NDArray ids) {
        long positions = ids.getShape().get(0);
        long k = ids.getShape().get(1);
        return lookup(ids.reshape(-1), table).reshape(positions, k, table.getShape().get(1));
    }

    /** {@code rows} {@code [positions, k, d]} times {@code x} {@code [positions, d]}: {@code [positions, k]}. */
    public static NDArray dot(NDArray rows, NDArray x) {
        return rows.matMul(x.expandDims(2)).squeeze(2);
    }

    /**
     * Rows {@code ids} {@code [n]} of {@code table} {@code [vocab, d]}: {@code [n, d]} in ids' manager (never
     * the table's: a model's weights live as long as the model), differentiable in the table.
     */
    public static NDArray lookup(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }
}
