package org.gner.annotate;

import java.io.Serializable;
import org.gner.data.TextSegmenter;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;

/**
 * How texts are annotated.
 *
 * @param decoding         how each sentence's prompt is decoded
 * @param maxWords         longest sentence given to the model, in words (longer ones are cut)
 * @param minConfidence    entities whose confidence is below it are set apart as low-confidence (0: none)
 * @param windowSentences  sentences decoded together: more gives batches of more even lengths, fewer
 *                         bounds memory tighter (a text is never split across windows)
 */
public record AnnotatorOptions(DecodingOptions decoding, int maxWords, double minConfidence, int windowSentences)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_WINDOW_SENTENCES = 4096;

    /** The jobs' defaults: the model folder's decoding with lossless drafts, GNER's lengths and batch budget. */
    public static AnnotatorOptions defaults() {
        return new AnnotatorOptions(new DecodingOptions(DecodingOptions.DEFAULT_MAX_NEW_TOKENS, 1,
                DecodingOptions.DEFAULT_BATCH_TOKENS, Integer.MAX_VALUE, 0,
                new Guidance(null, Guidance.Draft.INPUT, 0, true, Double.NaN)),
                TextSegmenter.DEFAULT_MAX_WORDS, 0, DEFAULT_WINDOW_SENTENCES);
    }

    public AnnotatorOptions {
        if (decoding == null) {
            throw new IllegalArgumentException("decoding must be set");
        }
        if (maxWords < 1) {
            throw new IllegalArgumentException("maxWords must be at least 1, got " + maxWords);
        }
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minConfidence must be in [0, 1], got " + minConfidence);
        }
        if (windowSentences < 1) {
            throw new IllegalArgumentException("windowSentences must be at least 1, got " + windowSentences);
        }
    }

    public AnnotatorOptions withWindowSentences(int value) {
        return new AnnotatorOptions(decoding, maxWords, minConfidence, value);
    }
}
