/**
 * LLaMA (GNER-LLaMA): config and the decoder-only forward with its KV cache.
 * Depends on the model contract and model.weights; never on the hub or on another architecture.
 */
package org.gner.model.llama;
