/**
 * GNER's structuring of generated 'word(label)' text onto the input words, and back-tokenization.
 * Depends on data and the model's tokenizer; no Spark.
 */
package org.gner.structure;
