/**
 * The Spark ML API: {@link org.gner.spark.ml.GnerAnnotator}, a {@code Transformer} that annotates a
 * text column of any DataFrame, batch or streaming, on the core {@code org.gner.annotate}.
 */
package org.gner.spark.ml;
