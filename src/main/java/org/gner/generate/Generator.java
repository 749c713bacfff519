package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;

/**
 * Greedy and beam-search decoding over any {@link GenerativeModel}, with the semantics of HF
 * {@code generate} (greedy: {@code _sample} without sampling; beams: {@code BeamSearchScorer} and
 * {@code BeamHypotheses} as in transformers 4.36-4.49).
 *
 * <p>Per prompt the result holds the generated ids only (no decoder start token, no prompt), with
 * EOS last when it was produced. Every array of a step lives in a sub-manager closed after the
 * step, so memory stays flat however long the generation.
 */
public final class Generator {

    public List<long[]> generate(GenerativeModel model, List<long[]> promptIds, GenerationConfig config) {
        if (promptIds.isEmpty()) {
            return List.of();
        }
        return config.numBeams() == 1 ? greedy(model, promptIds, config) : beamSearch(model, promptIds, config, null);
    }

    /**
     * Generation guided by each prompt's output automaton ({@code automata} may hold nulls, or be
     * null, for prompts without one; constrained decoding needs every one). Greedy runs
     * {@link GuidedGreedy} (plain, drafts and/or constraints); beam search takes the constraints as HF's
     * {@code prefix_allowed_tokens_fn} and never drafts.
     */
    public List<Generated> generate(GenerativeModel model, List<long[]> promptIds, GenerationConfig config,
            List<OutputAutomaton> automata, Guidance guidance) {
        if (promptIds.isEmpty()) {
            return List.of();
        }
        boolean constrained = guidance.decoding() == Guidance.Decoding.CONSTRAINED;
        if (config.numBeams() == 1 && (automata != null || !constrained)) { // every greedy decoding: one loop
            return new GuidedGreedy(model, config, guidance).generate(promptIds, automata);
        }
        if (constrained && (automata == null || automata.stream().anyMatch(java.util.Objects::isNull))) {
            throw new IllegalArgumentException("constrained decoding needs every prompt's words and labels");
        }
        CountingModel counting = new CountingModel(model);
        List<long[]> tokens = config.numBeams() == 1 ? greedy(counting, promptIds, config)
                : beamSearch(counting, promptIds, config, constrained ? automata : null);
        List<Generated> out = new ArrayList<>(tokens.size());
        for (long[] t : tokens) {
            // greedy: a pass per token; beams: every pass of the prompt's beams, counted once per beam row
            out.add(new Generated(t, config.numBeams() == 1 ? t.length : counting.passes(), 0));
        }
        return out;
    }

    /** Greedy search: each row takes its argmax until it emits EOS, then only pads, uncounted. */
    List<long[]> greedy(GenerativeModel model, List<long[]> promptIds, GenerationConfig config) {
        ModelSpec spec = model.spec();
        int batch = promptIds.size();
        long[][] generated = new long[batch][config.maxNewTokens()];
        int[] lengths = new int[batch];
        boolean[] finished = new boolean[batch];
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, promptIds)) {
            long[] next;
            try (NDManager step = scope.newSubManager()) {
                next = state.prefill(step).argMax(-1).toLongArray();
            }
            for (int t = 1; ; t++) {
                boolean allFinished = true;
                for (int b = 0; b < batch; b++) {
                    if (finished[b]) {
                        next[b] = spec.padTokenId();
                    } else {
                        generated[b][lengths[b]++] = next[b];
                        finished[b] = next[b] == spec.eosTokenId();
                    }
                    allFinished &= finished[b];
                }
                if (allFinished || t == config.maxNewTokens()) {
                    break;
                }
                try (NDManager step = scope.newSubManager()) {
                    NDArray logits = state.forward(step.create(next, new Shape(batch, 1)));
                    next = lastPosition(logits).argMax(-1).toLongArray();
                }
            }
        }
        List<long[]> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(Arrays.copyOf(generated[b], lengths[b]));
        }
        return out;
    }

    /** {@code [rows, n, vocab]} -> the logits of each row's last position, {@code [rows, vocab]}. */
    private static NDArray lastPosition(NDArray logits) {
        long n = logits.getShape().get(1);
        return logits.get(new NDIndex().addAllDim().addIndices(n - 1));
    }

    /**
     * Beam search. Each step scores {@code beam score + log_softmax(logits)} for every beam and token,
     * keeps the top {@code 2 * numBeams} candidates of each prompt, turns EOS candidates ranked within
     * the first {@code numBeams} into finished hypotheses, and continues with the best
     * {@code numBeams} non-EOS candidates. A prompt is done per {@link BeamHypotheses#isDone};
     * at the length limit its open beams join the hypotheses, and the best-scored one wins.
     */
    List<long[]> beamSearch(GenerativeModel model, List<long[]> promptIds, GenerationConfig config,
            List<OutputAutomaton> automata) {
        ModelSpec spec = model.spec();
        int batch = promptIds.size();
        int beams = config.numBeams();
        int rows = batch * beams;
        BeamHypotheses[] hypotheses = new BeamHypotheses[batch];
        boolean[] done = new boolean[batch];
        long[][] sequences = new long[rows][0];
        float[] beamScores = new float[rows]; // fp32, as HF keeps them
        long[] expand = new long[rows];
        OutputAutomaton.Cursor[] cursors = automata == null ? null : new OutputAutomaton.Cursor[rows];
        for (int b = 0; b < batch; b++) {
            hypotheses[b] = new BeamHypotheses(config);
            for (int j = 0; j < beams; j++) {
                expand[b * beams + j] = b;
                // only the first beam starts live, so the identical copies do not fill the beam
                beamScores[b * beams + j] = j == 0 ? 0f : -1e9f;
                if (cursors != null) {
                    cursors[b * beams + j] = automata.get(b).start();
                }
            }
        }
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, promptIds)) {
            Candidates candidates;
            try (NDManager step = scope.newSubManager()) {
                NDArray first = state.prefill(step); // [batch, vocab]
                NDArray rowIndex = step.create(expand);
                state.selectRows(rowIndex);
                candidates = Candidates.top(first.get(new NDIndex("{}", rowIndex)), allowedMask(step, cursors,
                        first.getShape().get(1)), beamScores, batch, 2 * beams);
            }
            int length = 0; // generated tokens in every running beam
            while (true) {
                long[] nextTokens = new long[rows];
                long[] nextRows = new long[rows];
                float[] nextScores = new float[rows];
                for (int b = 0; b < batch; b++) {
                    if (done[b]) {
                        for (int j = 0; j < beams; j++) {
                            nextTokens[b * beams + j] = spec.padTokenId();
                            nextRows[b * beams + j] = b * beams + j;
                        }
                        continue;
                    }
                    int kept = 0;
                    for (int rank = 0; rank < 2 * beams && kept < beams; rank++) {
                        long token = candidates.token(b, rank);
                        int row = b * beams + candidates.beam(b, rank);
                        float score = candidates.score(b, rank);
                        if (token == spec.eosTokenId()) {
                            if (rank < beams) {
                                hypotheses[b].add(sequences[row], score, length + 1, true);
                            }
                        } else {
                            int slot = b * beams + kept++;
                            nextTokens[slot] = token;
                            nextRows[slot] = row;
                            nextScores[slot] = score;
                        }
                    }
                    if (kept < beams) {
                        throw new IllegalStateException("fewer than " + beams + " non-EOS candidates among the top "
                                + 2 * beams + " of prompt " + b);
                    }
                    done[b] = hypotheses[b].isDone(candidates.score(b, 0), length + 1);
                }
                length++;
                long[][] extended = new long[rows][];
                OutputAutomaton.Cursor[] nextCursors = cursors == null ? null : new OutputAutomaton.Cursor[rows];
                for (int r = 0; r < rows; r++) {
                    long[] previous = sequences[(int) nextRows[r]];
                    extended[r] = Arrays.copyOf(previous, length);
                    extended[r][length - 1] = nextTokens[r];
                    if (cursors != null) {
                        nextCursors[r] = cursors[(int) nextRows[r]].copy();
                        nextCursors[r].advance(nextTokens[r]);
                    }
                }
                cursors = nextCursors;
                sequences = extended;
                beamScores = nextScores;
                if (allTrue(done) || length >= config.maxNewTokens()) {
                    break;
                }
                try (NDManager step = scope.newSubManager()) {
                    state.selectRows(step.create(nextRows));
                    NDArray logits = state.forward(step.create(nextTokens, new Shape(rows, 1)));
                    NDArray last = lastPosition(logits);
                    candidates = Candidates.top(last, allowedMask(step, cursors, last.getShape().get(1)), beamScores,
                            batch, 2 * beams);
                }
            }
            for (int b = 0; b < batch; b++) {
                if (!done[b]) {
                    for (int j = 0; j < beams; j++) {
                        int row = b * beams + j;
                        hypotheses[b].add(sequences[row], beamScores[row], length, false);
                    }
                }
            }
        }
        List<long[]> out = new ArrayList<>(batch);
        for (BeamHypotheses h : hypotheses) {
            BeamHypotheses.Hypothesis best = h.best();
            long[] tokens = best.endsWithEos() ? Arrays.copyOf(best.tokens(), best.tokens().length + 1) : best.tokens();
            if (best.endsWithEos()) {
                tokens[tokens.length - 1] = spec.eosTokenId();
            }
            out.add(tokens);
        }
        return out;
    }

    /**
     * {@code [rows, vocab]}: 0 for the tokens each row's automaton allows, -inf elsewhere (a row
     * that is finished or lost allows nothing); null without automata.
     */
    private static NDArray allowedMask(NDManager manager, OutputAutomaton.Cursor[] cursors, long vocab) {
        if (cursors == null) {
            return null;
        }
        int v = Math.toIntExact(vocab);
        float[] mask = new float[cursors.length * v];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < cursors.length; r++) {
            for (long t : cursors[r].allowed()) {
                mask[r * v + (int) t] = 0f;
            }
        }
        return manager.create(mask, new Shape(cursors.length, v));
    }

    private static boolean allTrue(boolean[] values) {
        for (boolean v : values) {
            if (!v) {
                return false;
            }
        }
        return true;
    }

    /** The top {@code k} (beam, token) candidates of each prompt, best first, as Java arrays. */
    private record Candidates(float[] scores, long[] indices, int k, long vocab) {

        /**
         * {@code logits [rows, vocab]} fp32: scores {@code log_softmax + beam score} in fp32 (as HF adds
         * them), flattened per prompt over {@code beams * vocab}, top k by torch.
         */
        static Candidates top(NDArray logits, NDArray allowedOrNull, float[] beamScores, int batch, int k) {
            NDManager m = logits.getManager();
            long vocab = logits.getShape().get(1);
            NDArray scores = logits.logSoftmax(-1);
            if (allowedOrNull != null) {
                scores = scores.addi(allowedOrNull); // HF: log_softmax over the vocabulary, then -inf masking
            }
            scores = scores.addi(m.create(beamScores).reshape(-1, 1));
            NDList top = scores.reshape(batch, -1).topK(k, -1, true, true);
            return new Candidates(top.get(0).toFloatArray(), top.get(1).toLongArray(), k, vocab);
        }

        float score(int prompt, int rank) {
            return scores[prompt * k + rank];
        }

        int beam(int prompt, int rank) {
            return (int) (indices[prompt * k + rank] / vocab);
        }

        long token(int prompt, int rank) {
            return indices[prompt * k + rank] % vocab;
        }
    }
}
