/**
 * Texts in, sentences and located entities out, with a loaded model and no Spark: the core that
 * {@code annotate}, {@code annotate --incremental} and the Spark ML {@code GnerAnnotator} run on each
 * executor, and {@link org.gner.annotate.LocalAnnotator} runs in a plain JVM. Works in bounded windows
 * of sentences; errors are values.
 */
package org.gner.annotate;
