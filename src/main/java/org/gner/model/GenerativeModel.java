package org.gner.model;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A loaded GNER model (encoder-decoder T5 or decoder-only LLaMA) that decodes with a KV cache.
 *
 * <p>The weights live in the model's own NDManager until {@link #close()}; everything created
 * for one batch lives in the scope passed to {@link #begin}.
 */
public interface GenerativeModel extends AutoCloseable {

    ModelSpec spec();

    /**
     * Starts decoding a batch of tokenized prompts (special tokens already added). For T5 this runs
     * the encoder (prompts padded on the right, with a mask); for LLaMA it left-pads the prompts.
     * Nothing is generated yet: call {@link DecodeState#prefill} next.
     */
    DecodeState begin(NDManager scope, List<long[]> promptIds);

    /**
     * A fresh manager on the model's device for one {@link #begin} call and its steps; the caller
     * closes it. The default suits CPU models; a model on another device overrides it.
     */
    default NDManager newScope() {
        return NDManager.newBaseManager();
    }

    @Override
    void close();
}
