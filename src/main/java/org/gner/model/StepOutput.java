package org.gner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What one decoder pass yields for {@code rows x width} positions, with the vocabulary head applied
 * only as far as the caller asks: every logit ({@link #logits()}: free decoding, beams) or the logits of
 * a few candidate ids per position ({@link #candidates}: constrained decoding, which needs none at a
 * forced position and a handful at a label choice). A small model spends most of its arithmetic in the
 * head, so the narrowed form is where constrained decoding's speed comes from.
 *
 * <p>Built from the head's input (the final-normed hidden states in the compute dtype) and the head
 * {@code [d, vocab]}, or, for models without a hidden state to offer, from finished logits.
 */
public final class StepOutput {
    private final NDArray input; // [rows, width, d] head input, compute dtype; null when built from logits
    private final NDArray head; // [d, vocab], compute dtype; null when built from logits
    private final NDArray headRows; // [vocab, d], a view of the head made with the model
    private final int rows;
    private final int width;
    private NDArray logits; // [rows, width, vocab] fp32, made on first use

    private StepOutput(NDArray input, NDArray head, NDArray headRows, NDArray logits, int rows, int width) {
        this.input = input;
        this.head = head;
        this.headRows = headRows;
        this.logits = logits;
        this.rows = rows;
        this.width = width;
    }

    /**
     * {@code input} {@code [rows, width, d]} (its manager owns what this makes), {@code head}
     * {@code [d, vocab]} and its transpose {@code headRows} {@code [vocab, d]} (a view made when the model
     * loaded: an op on a weight would make its result in the model's manager).
     */
    public static StepOutput ofHidden(NDArray input, NDArray head, NDArray headRows) {
        Shape s = input.getShape();
        return new StepOutput(input, head, headRows, null, (int) s.get(0), (int) s.get(1));
    }

    /** fp32 {@code [rows, width, vocab]}: candidates are read from them as they are. */
    public static StepOutput ofLogits(NDArray logits) {
        Shape s = logits.getShape();
        return new StepOutput(null, null, null, logits, (int) s.get(0), (int) s.get(1));
    }

    /** Whether the full head has been applied (by {@link #logits()}, or because the output was built from logits). */
    public boolean fullHeadComputed() {
        return logits != null;
    }

    /** fp32 {@code [rows, width, vocab]}, owned by the manager of the input (or the logits given). */
    public NDArray logits() {
        if (logits == null) {
            logits = toFloat(input.matMul(head));
        }
        return logits;
    }

    /**
     * The argmax over the whole vocabulary at each flat position {@code p = row * width + j} with
     * {@code needed[p]} (-1 elsewhere), with its log-probability under the full softmax (NaN elsewhere):
     * the full head over those positions only, so the padding of a block whose rows fed fewer tokens
     * costs no head. The argmax is taken on the logits themselves (as {@code logits().argMax}), the
     * log-probability is {@code max - logsumexp}.
     */
    public Greedy greedy(boolean[] needed) {
        if (needed.length != rows * width) {
            throw new IllegalArgumentException("one flag per position: " + rows * width + ", got " + needed.length);
        }
        int count = 0;
        for (boolean b : needed) {
            count += b ? 1 : 0;
        }
        long[] at = new long[count];
        int q = 0;
        for (int p = 0; p < needed.length; p++) {
            if (needed[p]) {
                at[q++] = p;
            }
        }
        long[] picks = new long[needed.length];
        float[] logProbs = new float[needed.length];
        java.util.Arrays.fill(picks, -1);
        java.util.Arrays.fill(logProbs, Float.NaN);
        if (count == 0) {
            return new Greedy(picks, logProbs);
        }
        long[] best;
        float[] bestLogProb;
        NDManager manager = (input != null ? input : logits).getManager();
        try (NDManager tmp = manager.newSubManager()) {
            NDArray picked; // [count, vocab] fp32
            if (count == needed.length || input == null) {
                NDArray flat = logits().reshape(-1, logits().getShape().get(2)); // [rows * width, vocab]
                picked = count == needed.length ? flat : gatherRows(flat, tmp.create(at));
            } else {
                NDArray x = gatherRows(input.reshape(-1, input.getShape().get(2)), tmp.create(at)); // [count, d]
                picked = toFloat(x.matMul(head));
            }
            best = picked.argMax(-1).toLongArray(); // [count]
            NDArray max = picked.max(new int[] {-1}, true); // [count, 1]
            bestLogProb = picked.sub(max).exp().sum(new int[] {-1}).log().neg().toFloatArray(); // [count]
        }
        for (int i = 0; i < count; i++) {
            picks[(int) at[i]] = best[i];
            logProbs[(int) at[i]] = bestLogProb[i];
        }
        return new Greedy(picks, logProbs);
    }

    /** {@link #greedy}'s picks ({@code -1} where not needed) and their log-probabilities (NaN there). */
    public record Greedy(long[] picks, float[] logProbs) {}

    /**
     * The logits of {@code candidates[p]} at each flat position {@code p = row * width + j} that has two
     * or more candidates (null elsewhere: a forced position needs none), with each value's bound on how
     * far {@link #logits()} may differ from it: the two compute the same dot products in different
     * orders (a matrix product against a gathered one), so they agree only up to float rounding, and a
     * caller that must choose exactly as the full head would falls back to {@link #logits()} where two
     * candidates are within the bounds.
     */
    public Candidates candidates(long[][] candidates) {
        if (candidates.length != rows * width) {
            throw new IllegalArgumentException("one candidate list per position: " + rows * width + ", got "
                    + candidates.length);
        }
        int most = 0;
        int positions = 0;
        for (long[] c : candidates) {
            if (c != null && c.length > 1) {
                most = Math.max(most, c.length);
                positions++;
            }
        }
        float[][] scores = new float[candidates.length][];
        float[][] bounds = new float[candidates.length][];
        if (positions == 0) {
            return new Candidates(scores, bounds);
        }
        long[] at = new long[positions];
        long[] ids = new long[positions * most];
        int q = 0;
        for (int p = 0; p < candidates.length; p++) {
            long[] c = candidates[p];
            if (c != null && c.length > 1) {
                at[q] = p;
                for (int i = 0; i < most; i++) {
                    ids[q * most + i] = c[Math.min(i, c.length - 1)]; // padded with the last id
                }
                q++;
            }
        }
        float[] values;
        float[] errors;
        NDManager manager = (input != null ? input : logits).getManager();
        try (NDManager tmp = manager.newSubManager()) {
            NDArray picked = tmp.create(at);
            NDArray candidateIds = tmp.create(ids, new Shape(positions, most));
            if (input == null) {
                NDArray flat = logits.reshape(-1, logits.getShape().get(2)); // [rows * width, vocab]
                values = gatherRows(flat, picked).gather(candidateIds, 1).toFloatArray(); // [positions * most]
                errors = new float[values.length];
            } else {
                long d = input.getShape().get(2);
                NDArray x = gatherRows(input.reshape(-1, d), picked); // [positions, d]
                NDArray rows = CandidateHead.rows(headRows, candidateIds); // [positions, most, d]
                values = toFloat(CandidateHead.dot(rows, x)).toFloatArray(); // [positions * most]
                NDArray magnitudes = toFloat(CandidateHead.dot(rows.abs(), x.abs())); // [positions, most]
                errors = magnitudes.mul(roundingFactor(d)).toFloatArray();
                // a compute dtype narrower than fp32 rounds each path's result once more
                float output = input.getDataType() == DataType.FLOAT32 ? 0 : 2 * unitRoundoff(input.getDataType());
                for (int i = 0; i < values.length; i++) {
                    errors[i] += output * Math.abs(values[i]) + Math.ulp(values[i]);
                }
            }
        }
        for (int k = 0; k < positions; k++) {
            int p = (int) at[k];
            int count = candidates[p].length;
            scores[p] = new float[count];
            bounds[p] = new float[count];
            System.arraycopy(values, k * most, scores[p], 0, count);
            System.arraycopy(errors, k * most, bounds[p], 0, count);
        }
        return new Candidates(scores, bounds);
    }

    /**
     * Twice the worst-case error of a length-d dot product in the compute dtype (any summation order,
     * FMA or not: |fl(x.w) - x.w| <= gamma_d |x|.|w|, gamma_d = d u / (1 - d u)): the narrowed and the full
     * head are each within it of the exact value.
     */
    private double roundingFactor(long d) {
        double u = unitRoundoff(input.getDataType());
        return 2 * (d * u) / (1 - d * u);
    }

    private static float unitRoundoff(DataType type) {
        switch (type) {
            case FLOAT16:
                return 0x1p-11f;
            case BFLOAT16:
                return 0x1p-8f;
            case FLOAT64:
                return 0x1p-53f;
            default:
                return 0x1p-24f;
        }
    }

    /** Rows {@code at} of {@code [n, d]}. */
    private static NDArray gatherRows(NDArray matrix, NDArray at) {
        return CandidateHead.lookup(at, matrix);
    }

    private static NDArray toFloat(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    /**
     * Per flat position, the candidates' logits and their rounding bounds (null where the position had
     * fewer than two candidates).
     */
    public record Candidates(float[][] scores, float[][] bounds) {}
}
