package org.gner.structure;

import java.util.List;

/** One predicted label per input word, and the matching branch that produced them. */
public record StructuredPrediction(List<String> labels, MatchKind matchKind) {
    public StructuredPrediction {
        labels = List.copyOf(labels);
    }
}
