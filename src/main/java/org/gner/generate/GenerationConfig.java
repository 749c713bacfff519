package org.gner.generate;

/**
 * How {@link Generator} decodes, with HF {@code generate} meanings.
 *
 * @param maxNewTokens the most tokens generated per prompt (EOS included)
 * @param numBeams 1 for greedy search, more for beam search
 * @param lengthPenalty beam hypotheses score {@code sum_logprobs / length ** lengthPenalty}
 * @param earlyStopping when beam search stops for a prompt (HF {@code early_stopping})
 */
public record GenerationConfig(int maxNewTokens, int numBeams, double lengthPenalty, EarlyStopping earlyStopping) {

    /**
     * HF's {@code early_stopping}: {@code TRUE} stops once {@code numBeams} hypotheses are finished;
     * {@code FALSE} (HF's default) also stops when the best running beam, scored at its current
     * length, cannot beat the worst finished one; {@code NEVER} only stops when no better hypothesis
     * is possible at all (with a positive length penalty, assuming the longest allowed length).
     */
    public enum EarlyStopping {
        TRUE,
        FALSE,
        NEVER
    }

    /**
     * GNER's evaluation settings: greedy, 640 tokens, HF defaults otherwise. (GNER passes HF
     * {@code max_length=640}; for T5 that length counts the decoder start token, i.e. 639 new tokens.)
     */
    public static final GenerationConfig GNER = new GenerationConfig(640, 1, 1.0, EarlyStopping.FALSE);

    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (numBeams < 1) {
            throw new IllegalArgumentException("numBeams must be at least 1, got " + numBeams);
        }
        if (earlyStopping == null) {
            throw new IllegalArgumentException("earlyStopping must be set");
        }
    }

    /** The HF boolean form of {@code early_stopping}. */
    public GenerationConfig(int maxNewTokens, int numBeams, double lengthPenalty, boolean earlyStopping) {
        this(maxNewTokens, numBeams, lengthPenalty, earlyStopping ? EarlyStopping.TRUE : EarlyStopping.FALSE);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 1, 1.0, EarlyStopping.FALSE);
    }

    public static GenerationConfig beams(int maxNewTokens, int numBeams) {
        return new GenerationConfig(maxNewTokens, numBeams, 1.0, EarlyStopping.FALSE);
    }
}
