package org.gner.metrics;

import java.util.List;

/** Entity counts of one sentence: totals, and per entity type in order of first appearance (gold first). */
public record SentenceScore(int correct, int predicted, int gold, List<LabelCount> perLabel) {
    public SentenceScore {
        perLabel = List.copyOf(perLabel);
    }
}
