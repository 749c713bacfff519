package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
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
        List<Row> rows = startRows(promptIds, automata);
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, promptIds)) {
            prefill(state, rows, scope);
            List<Row> active = new ArrayList<>(rows);
            dropFinished(state, active, scope);
            int k = guidance.draftTokens(active.size());
            while (!active.isEmpty()) {
                Block block = nextBlock(active, k);
                state.rollback(verify(state, block, k, scope));
                dropFinished(state, active, scope);
            }
        }
        List<Generated> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(new Generated(Arrays.copyOf(row.tokens, row.length), row.passes, row.accepted, row.decisions,
                    constrained() ? null : Arrays.copyOf(row.logProbs, row.length)));
        }
        return out;
    }

    private boolean constrained() {
        return guidance.decoding() == Guidance.Decoding.CONSTRAINED;
    }

    private List<Row> startRows(List<long[]> promptIds, List<OutputAutomaton> automata) {
        int batch = promptIds.size();
        List<Row> rows = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            OutputAutomaton a = automata == null ? null : automata.get(b);
            if (constrained() && a == null) {
                throw new IllegalArgumentException("constrained decoding needs the words and labels of prompt " + b);
            }
            rows.add(new Row(b, a, config.maxNewTokens(), guidance.draftTokens(batch)));
        }
        return rows;
    }

    /** The first pass: every row's first token from the prefill position. */
    private void prefill(DecodeState state, List<Row> rows, NDManager scope) {
        int batch = rows.size();
        try (NDManager step = scope.newSubManager()) {
            StepOutput output = state.prefillStep(step); // [rows, 1] positions
            Constraints constraints = Constraints.of(batch);
            if (constrained()) {
                for (Row row : rows) {
                    constraints.set(row.index, row.cursor, guidance.outsideBias());
                }
            }
            int[] fedPerRow = new int[batch];
            Arrays.fill(fedPerRow, 1);
            Picks picks = pick(output, constraints, fedPerRow, 1); // [rows]
            for (Row row : rows) {
                row.passes++;
                record(row, row.index, picks, constraints);
                take(row, picks.tokens[row.index]);
            }
        }
    }

    /**
     * One pass's input, {@code [rows, width]}: row r's pending token, then its draft, then padding. A
     * finished row still in the batch feeds padding only.
     */
    private record Block(List<Row> rows, long[][] drafts, int width, long[] tokens, int[] fedPerRow,
            Constraints constraints) {}

    private Block nextBlock(List<Row> active, int k) {
        int n = active.size();
        long[][] drafts = new long[n][];
        long[] draft = new long[k];
        int width = 1;
        for (int r = 0; r < n; r++) {
            Row row = active.get(r);
            if (row.done) { // finished, kept in the batch until enough rows have finished
                drafts[r] = new long[0];
                continue;
            }
            int room = config.maxNewTokens() - row.length; // tokens this row may still add
            int m = draftFor(row, draft, Math.min(k, room - 1));
            drafts[r] = Arrays.copyOf(draft, m);
            width = Math.max(width, m + 1);
        }
        long[] tokens = new long[n * width];
        Arrays.fill(tokens, model.spec().padTokenId());
        Constraints constraints = Constraints.of(n * width);
        int[] fedPerRow = new int[n];
        for (int r = 0; r < n; r++) {
            Row row = active.get(r);
            if (row.done) {
                continue; // fed padding, needs no head
            }
            fedPerRow[r] = drafts[r].length + 1;
            tokens[r * width] = row.pending;
            System.arraycopy(drafts[r], 0, tokens, r * width + 1, drafts[r].length);
            if (constrained()) {
                OutputAutomaton.Cursor probe = row.cursor.copy();
                constraints.set(r * width, probe, guidance.outsideBias());
                for (int j = 0; j < drafts[r].length; j++) {
                    probe.advance(drafts[r][j]);
                    constraints.set(r * width + j + 1, probe, guidance.outsideBias());
                }
            }
        }
        return new Block(active, drafts, width, tokens, fedPerRow, constraints);
    }

    /**
     * Runs the block and takes each row's picks: its pending token's successor, then each drafted token
     * while it equals the pick before it. Returns how many of each row's block positions to roll back.
     */
    private int[] verify(DecodeState state, Block block, int k, NDManager scope) {
        int n = block.rows().size();
        int width = block.width();
        int[] drop = new int[n];
        try (NDManager step = scope.newSubManager()) {
            // [rows, width] positions
            StepOutput output = state.forwardStep(step.create(block.tokens(), new Shape(n, width)), block.fedPerRow());
            Picks picks = pick(output, block.constraints(), block.fedPerRow(), width); // [rows * width]
            for (int r = 0; r < n; r++) {
                Row row = block.rows().get(r);
                if (row.done) {
                    drop[r] = width - 1;
                    continue;
                }
                row.passes++;
                long[] draft = block.drafts()[r];
                int kept = 0;
                while (true) {
                    long choice = picks.tokens[r * width + kept];
                    boolean matchesDraft = kept < draft.length && draft[kept] == choice;
                    record(row, r * width + kept, picks, block.constraints());
                    take(row, choice);
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
        return drop;
    }

    /**
     * The tokens to verify after the row's pending one: constrained decoding's forced run (certain), then
     * with drafts up to the row's budget of speculative tokens along the automaton's expected path.
     */
    private int draftFor(Row row, long[] draft, int max) {
        row.forced = 0;
        row.speculated = 0;
        if (row.cursor == null || max <= 0) {
            return 0;
        }
        int forced = constrained() ? row.cursor.forcedRun(draft, max) : 0;
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
    private void take(Row row, long token) {
        row.tokens[row.length++] = token;
        row.pending = token;
        if (row.cursor != null) {
            row.cursor.advance(token);
        }
        row.done = token == model.spec().eosTokenId() || row.length >= config.maxNewTokens();
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

    /**
     * A pass's picks per flat position ({@code -1} where nothing was needed), with what decided them:
     * constrained, the allowed tokens' scores at positions with two or more; free, each pick's
     * log-probability.
     */
    private record Picks(long[] tokens, float[][] scores, float[] logProbs) {}

    /**
     * Greedy picks of the fed positions of {@code output} ({@code [rows, width]} positions, row r's first
     * {@code fedPerRow[r]} fed): the argmax, or under {@code constraints} the argmax among that position's
     * allowed tokens less their penalties (a single allowed token needs no logits; ties go to the first
     * allowed). Constrained picks read only the allowed tokens' logits ({@link StepOutput#candidates}); where
     * two of them are within the narrowed head's rounding bound of each other, the pass is picked from the
     * full logits instead, so the picks are those of the full head in every case.
     */
    private Picks pick(StepOutput output, Constraints constraints, int[] fedPerRow, int width) {
        if (!constrained()) {
            boolean[] fed = new boolean[fedPerRow.length * width];
            for (int r = 0; r < fedPerRow.length; r++) {
                Arrays.fill(fed, r * width, r * width + fedPerRow[r], true);
            }
            StepOutput.Greedy greedy = output.greedy(fed);
            return new Picks(greedy.picks(), null, greedy.logProbs());
        }
        Picks picks = choose(output.candidates(constraints.allowed()), constraints, true);
        return picks != null ? picks
                : choose(StepOutput.ofLogits(output.logits()).candidates(constraints.allowed()), constraints, false);
    }

    /**
     * The constrained picks from each position's allowed tokens' scores; with {@code exactOnly}, null when two
     * of a position's scores are within their rounding bounds of each other (the full logits must decide).
     */
    private static Picks choose(StepOutput.Candidates candidates, Constraints constraints, boolean exactOnly) {
        long[] picks = new long[constraints.positions()];
        for (int p = 0; p < picks.length; p++) {
            long[] a = constraints.allowed(p);
            if (a == null || a.length == 0) {
                picks[p] = -1;
            } else if (a.length == 1) {
                picks[p] = a[0];
            } else {
                float[] scores = candidates.scores()[p];
                int best = constraints.best(p, scores);
                if (exactOnly && constraints.nearTie(p, scores, candidates.bounds()[p], best)) {
                    return null;
                }
                picks[p] = a[best];
            }
        }
        return new Picks(picks, candidates.scores(), null);
    }

    /** Keeps what decided the token about to be taken at flat position {@code p}. */
    private static void record(Row row, int p, Picks picks, Constraints constraints) {
        if (picks.logProbs != null) {
            row.logProbs[row.length] = picks.logProbs[p];
            return;
        }
        long[] a = constraints.allowed(p);
        if (row.cursor == null || a == null || a.length < 2) {
            return; // a forced token: probability 1
        }
        int chosen = Arrays.binarySearch(a, picks.tokens[p]); // allowed ids ascend
        row.decisions.add(new LabelDecision(row.length, row.cursor.word(), constraints.penalized(p, picks.scores[p]),
                chosen));
    }
}
