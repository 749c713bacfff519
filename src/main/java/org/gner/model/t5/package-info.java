/**
 * T5 (v1.0, v1.1, Flan-T5, GNER-T5): config, weights, the inference forward with its cache, training.
 * Depends on the model contract and model.weights; never on the hub or on another architecture.
 */
package org.gner.model.t5;
