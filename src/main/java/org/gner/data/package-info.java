/**
 * GNER's inputs: CoNLL datasets, dataset configs, prediction JSONL, raw text; errors name file and line.
 * Depends on nothing else in gner; no Spark, no DJL.
 */
package org.gner.data;
