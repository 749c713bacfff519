package org.gner.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * The finished hypotheses of one prompt in beam search, kept to the best {@code numBeams}: HF's
 * {@code BeamHypotheses}, including its {@code worst_score} bookkeeping and {@code is_done} rules.
 *
 * <p>Lengths are generated tokens, EOS included (HF: {@code cur_len + 1 - decoder_prompt_len} for a
 * hypothesis ending in EOS, where {@code cur_len} counts the tokens before it).
 */
final class BeamHypotheses {

    /** A finished sequence: generated ids (EOS excluded), the score it is ranked by, how it ended. */
    record Hypothesis(long[] tokens, double score, boolean endsWithEos) {}

    private final int numBeams;
    private final double lengthPenalty;
    private final GenerationConfig.EarlyStopping earlyStopping;
    private final int maxNewTokens;
    private final List<Hypothesis> beams = new ArrayList<>();
    private double worstScore = 1e9;

    BeamHypotheses(GenerationConfig config) {
        this.numBeams = config.numBeams();
        this.lengthPenalty = config.lengthPenalty();
        this.earlyStopping = config.earlyStopping();
        this.maxNewTokens = config.maxNewTokens();
    }

    int size() {
        return beams.size();
    }

    /** Adds a hypothesis scored {@code sumLogprobs / length ** lengthPenalty} if it is among the best. */
    void add(long[] tokens, double sumLogprobs, int length, boolean endsWithEos) {
        double score = sumLogprobs / Math.pow(length, lengthPenalty);
        if (beams.size() < numBeams || score > worstScore) {
            beams.add(new Hypothesis(tokens, score, endsWithEos));
            if (beams.size() > numBeams) {
                int worst = 0;
                for (int i = 1; i < beams.size(); i++) {
                    if (beams.get(i).score() < beams.get(worst).score()) {
                        worst = i; // the first of equal lowest scores, as Python's sorted() puts it first
                    }
                }
                beams.remove(worst);
                worstScore = lowest();
            } else {
                worstScore = Math.min(score, worstScore);
            }
        }
    }

    private double lowest() {
        double low = Double.POSITIVE_INFINITY;
        for (Hypothesis h : beams) {
            low = Math.min(low, h.score());
        }
        return low;
    }

    /**
     * Whether no running beam can still improve this prompt's hypotheses. {@code bestSumLogprobs} is
     * the best candidate score of this step; {@code length} the generated length it would have.
     */
    boolean isDone(double bestSumLogprobs, int length) {
        if (beams.size() < numBeams) {
            return false;
        }
        switch (earlyStopping) {
            case TRUE:
                return true;
            case FALSE:
                return worstScore >= bestSumLogprobs / Math.pow(length, lengthPenalty);
            default: // NEVER
                int bestLength = lengthPenalty > 0 ? maxNewTokens : length;
                return worstScore >= bestSumLogprobs / Math.pow(bestLength, lengthPenalty);
        }
    }

    /** The best hypothesis; among equal scores the one added last, as HF's sort-then-pop picks. */
    Hypothesis best() {
        Hypothesis best = null;
        for (Hypothesis h : beams) {
            if (best == null || h.score() >= best.score()) {
                best = h;
            }
        }
        return best;
    }
}
