/**
 * Generation: greedy, beam and guided decoding over a GenerativeModel, token batches, input limits.
 * Depends on the model contract (never an architecture or the hub), prompt and data; no Spark.
 */
package org.gner.generate;
