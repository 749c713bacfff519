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
import org.gner.model.StepOutput;

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
    /** Passes a row without speculation waits before it tries one speculative token again. */
    private static final int PROBE_AFTER = 8;
    private static final int MAX_PROBE_AFTER = 256;
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
        /** Speculative tokens (past the forced run) this row may draft next pass; adapts to its acceptance. */
        int budget;
        /** Passes since this row last speculated, while its budget is 0. */
        int idle;
        /** Passes to wait before the next one-token probe: doubles after each failed probe. */
        int probeAfter = PROBE_AFTER;
        /** Consecutive passes whose first speculative guess was rejected. */
        int missedFirst;
        int forced; // of the current draft: its forced run (certain), then speculative tokens
        int speculated;
        final List<LabelDecision> decisions = new ArrayList<>(); // constrained: the label choices taken
        final float[] logProbs; // free: each taken token's log-probability

        Row(int index, OutputAutomaton automaton, int maxNewTokens, int budget) {
            this.index = index;
            this.cursor = automaton == null ? null : automaton.start();
            this.tokens = new long[maxNewTokens];
            this.logProbs = new float[maxNewTokens];
            this.budget = budget;
        }

        /**
         * After a pass that kept {@code kept} drafted tokens: a fully accepted speculation earns two more
         * tokens next time (HF's assisted generation schedule), a partly accepted one keeps the budget, one
         * rejected at its first guess halves it and a second such pass in a row ends speculation, so a row
         * whose guesses keep failing stops speculating after two passes (a rejected draft position costs a
         * block position in every layer) until a probe of one token after {@link #PROBE_AFTER} passes, twice
         * as many after each failed probe (at most {@link #MAX_PROBE_AFTER}).
         */
        void learn(int kept, int most) {
            if (speculated == 0) {
                if (budget == 0 && ++idle >= probeAfter) {
                    budget = 1;
                    idle = 0;
                }
                return;
            }
            int acceptedGuesses = Math.max(0, kept - forced);
            if (acceptedGuesses == speculated) {
                budget = Math.min(most, budget + 2);
                probeAfter = PROBE_AFTER;
                missedFirst = 0;
            } else if (acceptedGuesses == 0) {
                if (budget == 1) {
                    probeAfter = Math.min(MAX_PROBE_AFTER, 2 * probeAfter); // a failed probe: wait longer next time
                }
                // a second first-guess miss in a row: this row's output does not follow the guesses at all
                budget = ++missedFirst >= 2 ? 0 : budget / 2;
            } else {
                missedFirst = 0;
            }
            idle = 0;
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
            rows.add(new Row(b, a, config.maxNewTokens(), guidance.draftTokens(batch)));
        }
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, promptIds)) {
            try (NDManager step = scope.newSubManager()) {
                StepOutput output = state.prefillStep(step); // [rows, 1] positions
                long[][] allowed = new long[batch][];
                float[][] penalties = new float[batch][];
                for (Row row : rows) {
                    allowed[row.index] = constrained ? row.cursor.allowed() : null;
                    penalties[row.index] = constrained ? penalties(row.cursor, allowed[row.index]) : null;
                }
                boolean[] fed = new boolean[batch];
                Arrays.fill(fed, true);
                Picks picks = pick(output, allowed, penalties, fed, constrained); // [rows]
                for (Row row : rows) {
                    row.passes++;
                    record(row, row.index, picks, allowed, penalties);
                    take(row, picks.tokens[row.index], spec);
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
                    if (row.done) { // finished, kept in the batch until enough rows have finished
                        drafts[r] = new long[0];
                        continue;
                    }
                    int room = config.maxNewTokens() - row.length; // tokens this row may still add
                    int m = draftFor(row, draft, Math.min(k, room - 1), constrained);
                    drafts[r] = Arrays.copyOf(draft, m);
                    width = Math.max(width, m + 1);
                }
                long[] block = new long[n * width];
                Arrays.fill(block, spec.padTokenId());
                long[][] allowed = new long[n * width][];
                float[][] penalties = new float[n * width][];
                boolean[] fed = new boolean[n * width]; // positions that are the row's tokens, not padding
                int[] fedPerRow = new int[n];
                for (int r = 0; r < n; r++) {
                    Row row = active.get(r);
                    if (row.done) {
                        continue; // fed padding, needs no head
                    }
                    Arrays.fill(fed, r * width, r * width + drafts[r].length + 1, true);
                    fedPerRow[r] = drafts[r].length + 1;
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
                    // [rows, width] positions
                    StepOutput output = state.forwardStep(step.create(block, new Shape(n, width)), fedPerRow);
                    Picks picks = pick(output, allowed, penalties, fed, constrained); // [rows * width]
                    for (int r = 0; r < n; r++) {
                        Row row = active.get(r);
                        if (row.done) {
                            drop[r] = width - 1;
                            continue;
                        }
                        row.passes++;
                        int kept = 0;
                        while (true) {
                            long choice = picks.tokens[r * width + kept];
                            boolean matchesDraft = kept < drafts[r].length && drafts[r][kept] == choice;
                            record(row, r * width + kept, picks, allowed, penalties);
                            take(row, choice, spec);
                            if (row.done || !matchesDraft) {
                                break;
                            }
                            row.accepted++;
                            kept++;
                        }
                        drop[r] = width - 1 - kept; // fed: pending + kept drafts stay
                        row.learn(kept, k);
                    }
                }
                state.rollback(drop);
                dropFinished(state, active, scope);
            }
        }
        List<Generated> out = new ArrayList<>(batch);
        for (Row row : rows) {
            out.add(new Generated(Arrays.copyOf(row.tokens, row.length), row.passes, row.accepted, row.decisions,
                    constrained ? null : Arrays.copyOf(row.logProbs, row.length)));
        }
        return out;
    }

    /**
     * The tokens to verify after the row's pending one: constrained decoding's forced run (certain), then
     * with drafts up to the row's budget of speculative tokens along the automaton's expected path.
     */
    private int draftFor(Row row, long[] draft, int max, boolean constrained) {
        row.forced = 0;
        row.speculated = 0;
        if (row.cursor == null || max <= 0) {
            return 0;
        }
        int forced = constrained ? row.cursor.forcedRun(draft, max) : 0;
        int limit = Math.min(max, forced + row.budget);
        if (guidance.draft() == Guidance.Draft.NONE || limit <= forced) {
            row.forced = forced;
            return forced;
        }
        int m = row.cursor.draft(draft, limit, guidance.continueEntities()); // the forced run, then guesses
        row.forced = Math.min(forced, m);
        row.speculated = m - row.forced;
        return m;
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

    /**
     * Removes finished rows from the batch (and from the model's state) once a quarter of the rows (or all)
     * have finished: removing rows copies every cached tensor of the batch, while a finished row that
     * stays costs one padding position per pass and no head.
     */
    private static void dropFinished(DecodeState state, List<Row> active, NDManager scope) {
        long finished = active.stream().filter(r -> r.done).count();
        if (finished == 0 || (finished * 4 < active.size() && finished < active.size())) {
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

    /**
     * A pass's picks per flat position ({@code -1} where nothing was needed), with what decided them:
     * constrained, the allowed tokens' scores at positions with two or more; free, each pick's
     * log-probability.
     */
    private record Picks(long[] tokens, float[][] scores, float[] logProbs) {}

    /**
     * Greedy picks of the {@code fed} positions of {@code output} ({@code [rows, width]} positions): the
     * argmax, or with {@code constrained} the argmax among that position's allowed tokens less their
     * penalties (a single allowed token needs no logits; ties go to the first allowed). Constrained picks
     * read only the allowed tokens' logits ({@link StepOutput#candidates}); where two of them are within
     * the narrowed head's rounding bound of each other, the pass is picked from the full logits instead, so
     * the picks are those of the full head in every case.
     */
    private static Picks pick(StepOutput output, long[][] allowed, float[][] penalties, boolean[] fed,
            boolean constrained) {
        if (!constrained) {
            StepOutput.Greedy greedy = output.greedy(fed);
            return new Picks(greedy.picks(), null, greedy.logProbs());
        }
        Picks picks = choose(output.candidates(allowed), allowed, penalties, true);
        return picks != null ? picks
                : choose(StepOutput.ofLogits(output.logits()).candidates(allowed), allowed, penalties, false);
    }

    /**
     * The constrained picks from each position's allowed tokens' scores; with {@code exactOnly}, null when two
     * of a position's scores are within their rounding bounds of each other (the full logits must decide).
     */
    private static Picks choose(StepOutput.Candidates candidates, long[][] allowed, float[][] penalties,
            boolean exactOnly) {
        long[] picks = new long[allowed.length];
        for (int p = 0; p < allowed.length; p++) {
            long[] a = allowed[p];
            if (a == null || a.length == 0) {
                picks[p] = -1;
            } else if (a.length == 1) {
                picks[p] = a[0];
            } else {
                float[] scores = candidates.scores()[p];
                int best = best(scores, penalties[p]);
                if (exactOnly && nearTie(scores, candidates.bounds()[p], penalties[p], best)) {
                    return null;
                }
                picks[p] = a[best];
            }
        }
        return new Picks(picks, candidates.scores(), null);
    }

    /** Keeps what decided the token about to be taken at flat position {@code p}. */
    private static void record(Row row, int p, Picks picks, long[][] allowed, float[][] penalties) {
        if (picks.logProbs != null) {
            row.logProbs[row.length] = picks.logProbs[p];
            return;
        }
        long[] a = allowed[p];
        if (row.cursor == null || a == null || a.length < 2) {
            return; // a forced token: probability 1
        }
        float[] scores = picks.scores[p].clone();
        for (int i = 0; i < scores.length; i++) {
            scores[i] -= penalty(penalties[p], i);
        }
        int chosen = Arrays.binarySearch(a, picks.tokens[p]); // allowed ids ascend
        row.decisions.add(new LabelDecision(row.length, row.cursor.word(), scores, chosen));
    }

    /** Whether another score less its penalty is within the two scores' rounding bounds of the best one. */
    private static boolean nearTie(float[] scores, float[] bounds, float[] penalties, int best) {
        float bestScore = scores[best] - penalty(penalties, best);
        for (int i = 0; i < scores.length; i++) {
            float gap = bestScore - (scores[i] - penalty(penalties, i));
            if (i != best && gap <= bounds[best] + bounds[i] + Math.ulp(bestScore)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the highest score less its penalty (the first of equals). */
    private static int best(float[] scores, float[] penalties) {
        int best = 0;
        float bestScore = scores[0] - penalty(penalties, 0);
        for (int i = 1; i < scores.length; i++) {
            float score = scores[i] - penalty(penalties, i);
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    private static float penalty(float[] penalties, int i) {
        return penalties == null ? 0f : penalties[i];
    }

}
