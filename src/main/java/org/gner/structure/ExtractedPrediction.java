package org.gner.structure;

import java.util.List;

/** The (word, label) pairs read from a generated text, in order; both lists have the same size. */
public record ExtractedPrediction(List<String> words, List<String> labels) {
    public ExtractedPrediction {
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException("words and labels differ in size");
        }
        words = List.copyOf(words);
        labels = List.copyOf(labels);
    }
}
