package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;

/**
 * Greedy decoding guided by each row's {@link OutputAutomaton}: speculative (drafted tokens
 * verified in one block pass, lossless) and/or constrained (argmax over the automaton's allowed
 * tokens only, HF's {@code prefix_allowed_tokens_fn}).
 *
 * <p>Each pass feeds every unfinished row its last chosen token plus its draft as one causal
 * block. Position j's logits give the token greedy decoding would pick after the block's first j
 * tokens; drafted tokens are kept while they equal that pick, and the pick at the first mismatch
 * (or after the whole draft) is kept too, so a pass yields 1 + accepted tokens. The rejected
 * positions are dropped from the row's cache ({@link DecodeState#rollback}), so rows stand at
 * different lengths. Constrained decoding drafts at least the forced tokens (a step with one
 * allowed token), so a run of forced tokens costs one pass. Finished rows leave the batch.
 */
final class GuidedGreedy {
    private final GenerativeModel model;
    private final GenerationConfig config;
    private final Guidance guidance;

    GuidedGreedy(GenerativeModel model, GenerationConfig config, Guidance guidance) {
        this.model = model;
        this.config = config;
        this.guidance = guidance;
    }

    /** One row being decoded. */
    private static final class Row {
        final int index;
        final OutputAutomaton.Cursor cursor; // null: no automaton (free decoding, plain greedy)
        final long[] tokens;
        int length;
        long pending; // chosen, not yet fed to the model
        int passes;
        int accepted;
        boolean done;

        Row(int index, OutputAutomaton automaton, int maxNewTokens) {
            this.index = index;
            this.cursor = automaton == null ? null : automaton.start();
            this.tokens = new long[maxNewTokens];
        }
    }

    List<Generated> generate(List<long[]> promptIds, List<OutputAutomaton> automata) {
        ModelSpec spec = model.spec();
        int batch = promptIds.size();
        boolean constrained = guidance.decoding() == Guidance.Decoding.CONSTRAINED;
        List<Row> rows = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            OutputAutomaton a = automata == null ? null : automata.get(b);
            if (constrained && a == null) {
                throw new IllegalArgumentException("constrained decoding needs the words and labels of prompt " + b);
            }
            rows.add(new Row(b, a, config.maxNewTokens()));
        }
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, promptIds)) {
            try (NDManager step = scope.newSubManager()) {
                NDArray logits = state.prefill(step); // [rows, vocab]
                long[][] allowed = new long[batch][];
                float[][] penalties = new float[batch][];
                for (Row row : rows) {
                    allowed[row.index] = constrained ? row.cursor.allowed() : null;
                    penalties[row.index] = constrained ? penalties(row.cursor, allowed[row.index]) : null;
                }
                long[] picks = pick(logits.expandDims(1), allowed, penalties, 1, constrained); // [rows]
                for (Row row : rows) {
                    row.passes++;
                    take(row, picks[row.index], spec);
                }
            }
            List<Row> active = new ArrayList<>(rows);
            dropFinished(state, active, scope);
            int k = guidance.draftTokens(active.size());
            long[] draft = new long[k];
            while (!active.isEmpty()) {
                int n = active.size();
                long[][] drafts = new long[n][];
                int width = 1;
                for (int r = 0; r < n; r++) {
                    Row row = active.get(r);
                    int room = config.maxNewTokens() - row.length; // tokens this row may still add
                    int m = draftFor(row, draft, Math.min(k, room - 1), constrained);
                    drafts[r] = Arrays.copyOf(draft, m);
                    width = Math.max(width, m + 1);
                }
                long[] block = new long[n * width];
                Arrays.fill(block, spec.padTokenId());
                long[][] allowed = new long[n * width][];
                float[][] penalties = new float[n * width][];
                for (int r = 0; r < n; r++) {
                    Row row = active.get(r);
                    block[r * width] = row.pending;
                    System.arraycopy(drafts[r], 0, block, r * width + 1, drafts[r].length);
                    if (constrained) {
                        OutputAutomaton.Cursor probe = row.cursor.copy();
                        allowed[r * width] = probe.allowed();
                        penalties[r * width] = penalties(probe, allowed[r * width]);
                        for (int j = 0; j < drafts[r].length; j++) {
                            probe.advance(drafts[r][j]);
                            allowed[r * width + j + 1] = probe.allowed();
                            penalties[r * width + j + 1] = penalties(probe, allowed[r * width + j + 1]);
                        }
                    }
                }
                int[] drop = new int[n];
                try (NDManager step = scope.newSubManager()) {
                    NDArray logits = state.forward(step.create(block, new Shape(n, width))); // [rows, width, vocab]
                    long[] picks = pick(logits, allowed, penalties, width, constrained); // [rows * width]
                    for (int r = 0; r < n; r++) {
                        Row row = active.get(r);
                        row.passes++;
                        int kept = 0;
                        while (true) {
                            long choice = picks[r * width + kept];
                            boolean matchesDraft = kept < drafts[r].length && drafts[r][kept] == choice;
                            take(row, choice, spec);
                            if (row.done || !matchesDraft) {
                                break;
                            }
                            row.accepted++;
                            kept++;
                        }
                        drop[r] = width - 1 - kept; // fed: pending + kept drafts stay
                    }
                }
                state.rollback(drop);
                dropFinished(state, active, scope);
            }
        }
        List<Generated> out = new ArrayList<>(batch);
        for (Row row : rows) {
            out.add(new Generated(Arrays.copyOf(row.tokens, row.length), row.passes, row.accepted));
        }
        return out;
    }

    /** The tokens to verify after the row's pending one. */
    private int draftFor(Row row, long[] draft, int max, boolean constrained) {
        if (row.cursor == null || max <= 0) {
            return 0;
        }
        if (guidance.draft() == Guidance.Draft.NONE) {
            return constrained ? row.cursor.forcedRun(draft, max) : 0;
        }
        return row.cursor.draft(draft, max, guidance.continueEntities());
    }

    /** Appends a chosen token; the row is done at EOS or at the length limit. */
    private void take(Row row, long token, ModelSpec spec) {
        row.tokens[row.length++] = token;
        row.pending = token;
        if (row.cursor != null) {
            row.cursor.advance(token);
        }
        row.done = token == spec.eosTokenId() || row.length >= config.maxNewTokens();
    }

    /** Removes finished rows from the batch (and from the model's state). */
    private static void dropFinished(DecodeState state, List<Row> active, NDManager scope) {
        if (active.stream().noneMatch(r -> r.done)) {
            return;
        }
        long[] keep = new long[active.size()];
        int kept = 0;
        for (int r = 0; r < active.size(); r++) {
            if (!active.get(r).done) {
                keep[kept++] = r;
            }
        }
        active.removeIf(r -> r.done);
        if (kept > 0) {
            try (NDManager step = scope.newSubManager()) {
                state.selectRows(step.create(Arrays.copyOf(keep, kept)));
            }
        }
    }

    /**
     * Greedy picks of every position of {@code logits} {@code [rows, width, vocab]}: the argmax, or
     * with {@code constrained} the argmax among that position's allowed tokens (a single allowed
     * token needs no logits; ties go to the smallest id, as torch's argmax).
     */
    /** Per allowed token, what is subtracted from its logit: {@link Guidance#outsideBias} for a branch's O. */
    private float[] penalties(OutputAutomaton.Cursor cursor, long[] allowed) {
        double bias = guidance.outsideBias();
        if (bias == 0 || Double.isNaN(bias) || allowed.length < 2) {
            return null;
        }
        float[] out = new float[allowed.length];
        for (int i = 0; i < allowed.length; i++) {
            out[i] = cursor.choosesOutside(allowed[i]) ? (float) bias : 0f;
        }
        return out;
    }

    private static long[] pick(NDArray logits, long[][] allowed, float[][] penalties, int width,
            boolean constrained) {
        if (!constrained) {
            return logits.argMax(-1).toLongArray();
        }
        int positions = allowed.length;
        int most = 0;
        for (long[] a : allowed) {
            if (a != null && a.length > 1) {
                most = Math.max(most, a.length);
            }
        }
        long[] picks = new long[positions];
        if (most == 0) {
            for (int p = 0; p < positions; p++) {
                picks[p] = allowed[p] == null || allowed[p].length == 0 ? -1 : allowed[p][0];
            }
            return picks;
        }
        long[] index = new long[positions * most];
        for (int p = 0; p < positions; p++) {
            long[] a = allowed[p];
            for (int i = 0; i < most; i++) {
                index[p * most + i] = a == null || a.length == 0 ? 0 : a[Math.min(i, a.length - 1)];
            }
        }
        NDManager m = logits.getManager();
        long rows = logits.getShape().get(0);
        float[] scores = logits.gather(m.create(index, new Shape(rows, width, most)), -1).toFloatArray();
        for (int p = 0; p < positions; p++) {
            long[] a = allowed[p];
            if (a == null || a.length == 0) {
                picks[p] = -1;
                continue;
            }
            float[] minus = penalties[p];
            int best = 0;
            float bestScore = scores[p * most] - (minus == null ? 0f : minus[0]);
            for (int i = 1; i < a.length; i++) {
                float score = scores[p * most + i] - (minus == null ? 0f : minus[i]);
                if (score > bestScore) {
                    best = i;
                    bestScore = score;
                }
            }
            picks[p] = a[best];
        }
        return picks;
    }
}
