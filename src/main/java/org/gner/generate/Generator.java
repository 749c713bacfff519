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
        if (config.numBeams() > 1) {
            return beamSearch(model, promptIds, config, null, 0);
        }
        List<Generated> greedy = new GuidedGreedy(model, config, Guidance.PLAIN).generate(promptIds, null);
        return greedy.stream().map(Generated::tokens).toList();
    }

    /**
     * Generation guided by each prompt's output automaton ({@code automata} may hold nulls, or be
     * null, for prompts without one; constrained decoding needs every one). Greedy runs
     * {@link GuidedGreedy} (plain, drafts and/or constraints); beam search takes the constraints (the
     * allowed tokens as HF's {@code prefix_allowed_tokens_fn}, {@code --o-bias} on the logits) and never drafts.
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
        List<long[]> tokens = beamSearch(counting, promptIds, config, constrained ? automata : null,
                guidance.outsideBias());
        List<Generated> out = new ArrayList<>(tokens.size());
        for (long[] t : tokens) {
            out.add(new Generated(t, counting.passes(), 0)); // every pass of the prompt's beams, once per beam row
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
     * at the length limit its open beams join the hypotheses, and the best-scored one wins. With
     * {@code automata}, each beam scores only what its automaton allows, with {@code outsideBias} taken from
     * the logit of a label branch's O before the log-softmax.
     */
    List<long[]> beamSearch(GenerativeModel model, List<long[]> promptIds, GenerationConfig config,
            List<OutputAutomaton> automata, double outsideBias) {
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
                candidates = Candidates.top(first.get(new NDIndex("{}", rowIndex)), constraints(step, cursors,
                        outsideBias, first.getShape().get(1)), beamScores, batch, 2 * beams);
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
                    candidates = Candidates.top(last, constraints(step, cursors, outsideBias, last.getShape().get(1)),
                            beamScores, batch, 2 * beams);
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

    /** Each row's {@link Constraints#dense} penalties and mask, or null without automata. */
    private static NDArray[] constraints(NDManager manager, OutputAutomaton.Cursor[] cursors, double outsideBias,
            long vocab) {
        return cursors == null ? null : Constraints.at(cursors, outsideBias).dense(manager, vocab);
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
         * them), flattened per prompt over {@code beams * vocab}, top k by torch. {@code constraints}: null,
         * or {@link Constraints#dense}'s penalties (or null) and mask.
         */
        static Candidates top(NDArray logits, NDArray[] constraints, float[] beamScores, int batch, int k) {
            NDManager m = logits.getManager();
            long vocab = logits.getShape().get(1);
            NDArray penalized = constraints == null || constraints[0] == null ? logits : logits.sub(constraints[0]);
            NDArray scores = penalized.logSoftmax(-1);
            if (constraints != null) {
                scores = scores.addi(constraints[1]); // HF: log_softmax over the vocabulary, then -inf masking
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
