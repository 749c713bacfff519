package org.gner.metrics;

/** Entity counts of one sentence for one (normalized) entity type. */
public record LabelCount(String label, int correct, int predicted, int gold) {}
