package org.gner.generate;

import java.io.Serializable;
import java.util.Locale;
import org.gner.model.ModelConfigs;

/**
 * How the output automaton guides decoding.
 *
 * @param decoding       FREE: GNER's own decoding; CONSTRAINED: only the automaton's tokens (every
 *                       input word comes back, in order; the model picks the labels); null: the model
 *                       folder's default ({@link #resolvedFor})
 * @param draft          INPUT: lossless speculative decoding with drafts from the automaton (greedy
 *                       only); NONE: one token per pass (constrained still feeds forced runs as blocks)
 * @param draftTokens    draft length k per pass; 0 picks it from the batch size (see {@link #draftTokens(int)})
 * @param continueEntities draft {@code I-x} after a word labelled {@code B-x}/{@code I-x} (else always O)
 * @param outsideBias    constrained decoding: subtracted from the logit of a label branch's O token
 *                       (a small model says O too often), in greedy and beam search; 0: none; NaN: the
 *                       model folder's default
 */
public record Guidance(Decoding decoding, Draft draft, int draftTokens, boolean continueEntities, double outsideBias)
        implements Serializable {

    public Guidance(Decoding decoding, Draft draft, int draftTokens, boolean continueEntities) {
        this(decoding, draft, draftTokens, continueEntities, 0.0);
    }

    private static final long serialVersionUID = 1L;

    public enum Decoding {
        FREE,
        CONSTRAINED;

        public static Decoding parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "free" -> FREE;
                case "constrained" -> CONSTRAINED;
                default -> throw new IllegalArgumentException("--decoding must be free or constrained, got " + value);
            };
        }
    }

    public enum Draft {
        INPUT,
        NONE;

        public static Draft parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "input" -> INPUT;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("--draft must be input or none, got " + value);
            };
        }
    }

    /** GNER's own decoding with lossless drafts. */
    public static final Guidance DEFAULT = new Guidance(Decoding.FREE, Draft.INPUT, 0, true);

    /** Plain greedy (or beam) search: no automaton, one token per pass. */
    public static final Guidance PLAIN = new Guidance(Decoding.FREE, Draft.NONE, 0, true);

    public Guidance {
        if (draft == null) {
            throw new IllegalArgumentException("draft must be set");
        }
        if (draftTokens < 0) {
            throw new IllegalArgumentException("--draft-tokens must not be negative, got " + draftTokens);
        }
    }

    /** The key in a model folder's {@code generation_config.json} naming the decoding it is meant for. */
    public static final String MODEL_DEFAULT_KEY = "gner_decoding";

    /** This guidance with a missing decoding mode taken from the model folder (else FREE). */
    public Guidance resolvedFor(java.nio.file.Path modelDir) {
        if (decoding != null && !Double.isNaN(outsideBias)) {
            return this;
        }
        ModelConfigs.GenerationDefaults defaults;
        try {
            defaults = ModelConfigs.GenerationDefaults.read(modelDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + modelDir.resolve("generation_config.json") + ": "
                    + e.getMessage(), e);
        }
        Decoding chosen = decoding;
        if (chosen == null) {
            try {
                chosen = defaults.gnerDecoding().map(Decoding::parse).orElse(Decoding.FREE);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(modelDir.resolve("generation_config.json") + ": "
                        + MODEL_DEFAULT_KEY + ": " + e.getMessage(), e);
            }
        }
        double bias = !Double.isNaN(outsideBias) ? outsideBias : defaults.gnerOutsideBias().orElse(0.0);
        return new Guidance(chosen, draft, draftTokens, continueEntities, bias);
    }

    /** Whether the automaton is needed at all. */
    public boolean usesAutomaton() {
        if (decoding == null) {
            throw new IllegalStateException("resolve the model's default decoding first (resolvedFor)");
        }
        return decoding == Decoding.CONSTRAINED || draft == Draft.INPUT;
    }

    /**
     * k for a batch of {@code rows}: a CPU pass costs about k x rows more work, a GPU pass almost
     * nothing more, so k shrinks with the batch (measured by DraftStepBench). Constrained decoding needs no
     * head at a drafted forced token and only the allowed ids' at a label, so its draft positions cost the
     * decoder layers alone and it keeps 8 beyond 8 rows (the shipped model, full CoNLL-2003 test at ~48 rows:
     * 76.1 vs 70.8 sentences/s with 4, 74.8 with 16).
     */
    public int draftTokens(int rows) {
        if (draftTokens > 0) {
            return draftTokens;
        }
        return rows <= 2 ? 16 : rows <= 8 || decoding == Decoding.CONSTRAINED ? 8 : 4;
    }
}
