package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * What constrained decoding allows at each position of a pass, and what it subtracts: per position the
 * automaton's allowed token ids (ascending; null where the position needs no pick) and, where
 * {@code --o-bias} applies, a penalty per allowed id ({@link Guidance#outsideBias} on a label branch's O,
 * else 0; null when there is none). Greedy search picks the argmax of {@code logit - penalty} among the
 * allowed ids; beam search scores {@code log_softmax(logits - penalties)} with the disallowed ids at -inf.
 */
final class Constraints {
    private final long[][] allowed;
    private final float[][] penalties;

    private Constraints(long[][] allowed, float[][] penalties) {
        this.allowed = allowed;
        this.penalties = penalties;
    }

    /** Room for {@code positions} positions, each set by {@link #set}; unset ones need no pick (free decoding). */
    static Constraints of(int positions) {
        return new Constraints(new long[positions][], new float[positions][]);
    }

    /** Position {@code p} allows what {@code cursor} allows next, with the O penalty of {@code outsideBias}. */
    void set(int p, OutputAutomaton.Cursor cursor, double outsideBias) {
        long[] a = cursor.allowed();
        allowed[p] = a;
        penalties[p] = penalties(cursor, a, outsideBias);
    }

    /** The same constraint at each of {@code cursors}' positions, in order. */
    static Constraints at(OutputAutomaton.Cursor[] cursors, double outsideBias) {
        Constraints c = of(cursors.length);
        for (int p = 0; p < cursors.length; p++) {
            c.set(p, cursors[p], outsideBias);
        }
        return c;
    }

    private static float[] penalties(OutputAutomaton.Cursor cursor, long[] allowed, double outsideBias) {
        if (outsideBias == 0 || Double.isNaN(outsideBias) || allowed.length < 2) {
            return null;
        }
        float[] out = new float[allowed.length];
        for (int i = 0; i < allowed.length; i++) {
            out[i] = cursor.choosesOutside(allowed[i]) ? (float) outsideBias : 0f;
        }
        return out;
    }

    int positions() {
        return allowed.length;
    }

    /** The allowed ids at position {@code p} (ascending), or null. */
    long[] allowed(int p) {
        return allowed[p];
    }

    long[][] allowed() {
        return allowed;
    }

    /** The penalty of allowed id number {@code i} at position {@code p}. */
    float penalty(int p, int i) {
        return penalties[p] == null ? 0f : penalties[p][i];
    }

    /** The highest {@code scores[i] - penalty(p, i)} over position p's allowed ids (the first of equals). */
    int best(int p, float[] scores) {
        int best = 0;
        float bestScore = scores[0] - penalty(p, 0);
        for (int i = 1; i < scores.length; i++) {
            float score = scores[i] - penalty(p, i);
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Whether another allowed id's score less its penalty is within the two scores' rounding
     * {@code bounds} of the best one's: then only the full logits can decide.
     */
    boolean nearTie(int p, float[] scores, float[] bounds, int best) {
        float bestScore = scores[best] - penalty(p, best);
        for (int i = 0; i < scores.length; i++) {
            float gap = bestScore - (scores[i] - penalty(p, i));
            if (i != best && gap <= bounds[best] + bounds[i] + Math.ulp(bestScore)) {
                return true;
            }
        }
        return false;
    }

    /** Position p's scores less their penalties (a new array). */
    float[] penalized(int p, float[] scores) {
        float[] out = scores.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= penalty(p, i);
        }
        return out;
    }

    /** Whether any position carries a penalty. */
    boolean penalizes() {
        return Arrays.stream(penalties).anyMatch(java.util.Objects::nonNull);
    }

    /**
     * For beam search, one row per position ({@code [positions, vocab]}): {@code penalties} (0, or the
     * penalty at a penalized allowed id; subtracted from the logits before log-softmax) and {@code mask} (0
     * at the allowed ids, -inf elsewhere and at a position that allows nothing; added after it).
     */
    NDArray[] dense(NDManager manager, long vocab) {
        int v = Math.toIntExact(vocab);
        int rows = allowed.length;
        float[] mask = new float[rows * v];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        float[] penalty = penalizes() ? new float[rows * v] : null;
        for (int r = 0; r < rows; r++) {
            long[] a = allowed[r] == null ? new long[0] : allowed[r];
            for (int i = 0; i < a.length; i++) {
                mask[r * v + (int) a[i]] = 0f;
                if (penalty != null) {
                    penalty[r * v + (int) a[i]] = penalty(r, i);
                }
            }
        }
        return new NDArray[] {penalty == null ? null : manager.create(penalty, new Shape(rows, v)),
            manager.create(mask, new Shape(rows, v))};
    }
}
