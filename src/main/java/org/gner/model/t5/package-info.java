/**
 * T5 (v1.0, v1.1, Flan-T5, GNER-T5): config, one weights definition (folded for inference, or trainable),
 * the forward's layers, and its two paths: cached decoding and teacher forcing (training).
 * Depends on the model contract and model.weights; never on the hub or on another architecture.
 */
package org.gner.model.t5;
