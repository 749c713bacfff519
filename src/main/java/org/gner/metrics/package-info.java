/**
 * GNER's scoring: entity extraction, answer normalisation, per-sentence counts and P/R/F1 per dataset and label.
 * Depends on data and structure; no Spark.
 */
package org.gner.metrics;
