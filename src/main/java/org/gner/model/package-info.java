/**
 * The model contract: GenerativeModel, DecodeState, ModelSpec, RuntimeOptions, tokenizer, config readers.
 * Depends on DJL and Jackson; the sub-packages (hub, weights, t5, llama, load) build on it, never the reverse.
 */
package org.gner.model;
