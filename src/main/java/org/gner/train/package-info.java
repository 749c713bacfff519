/**
 * Fine-tuning T5 on GNER data: batches, teacher forcing, label-choice loss, AdamW, checkpoints, dev eval.
 * Depends on data, prompt, model (contract, hub, weights, t5), generate, structure, metrics; no Spark.
 */
package org.gner.train;
