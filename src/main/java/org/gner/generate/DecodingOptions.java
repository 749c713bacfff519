package org.gner.generate;

import java.io.Serializable;

/**
 * How the jobs decode: the generation settings plus how prompts are cut and batched.
 *
 * @param maxNewTokens the most tokens generated per prompt (EOS included)
 * @param numBeams 1 for greedy search, more for beam search
 * @param batchTokens budget of one batch in padded prompt tokens: rows x longest prompt x beams
 * @param maxBatchRows the most prompts in one batch, whatever the budget
 * @param maxInputTokens the longest prompt fed to the model, special tokens included; 0 for the
 *     model's default (see {@link InputLimit#effectiveMax})
 * @param guidance free or constrained decoding, drafts or none (see {@link Guidance})
 */
public record DecodingOptions(int maxNewTokens, int numBeams, int batchTokens, int maxBatchRows, int maxInputTokens,
        Guidance guidance) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** GNER's evaluation length (its {@code max_new_tokens} / {@code max_length}). */
    public static final int DEFAULT_MAX_NEW_TOKENS = 640;
    public static final int DEFAULT_BATCH_TOKENS = 8192;

    public DecodingOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
        if (numBeams < 1) {
            throw new IllegalArgumentException("--num-beams must be at least 1, got " + numBeams);
        }
        if (batchTokens < 1) {
            throw new IllegalArgumentException("--batch-tokens must be at least 1, got " + batchTokens);
        }
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatchRows);
        }
        if (maxInputTokens < 0) {
            throw new IllegalArgumentException("--max-input-tokens must not be negative, got " + maxInputTokens);
        }
        if (guidance == null) {
            throw new IllegalArgumentException("guidance must be set");
        }
    }

    /** Free decoding with lossless drafts ({@link Guidance#DEFAULT}). */
    public DecodingOptions(int maxNewTokens, int numBeams, int batchTokens, int maxBatchRows, int maxInputTokens) {
        this(maxNewTokens, numBeams, batchTokens, maxBatchRows, maxInputTokens, Guidance.DEFAULT);
    }

    public DecodingOptions withGuidance(Guidance value) {
        return new DecodingOptions(maxNewTokens, numBeams, batchTokens, maxBatchRows, maxInputTokens, value);
    }

    /** HF defaults for the rest: length penalty 1.0, early_stopping false. */
    public GenerationConfig generationConfig() {
        return new GenerationConfig(maxNewTokens, numBeams, 1.0, false);
    }
}
