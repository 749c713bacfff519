package org.gner.data;

import java.util.List;
import java.util.Objects;

/**
 * One tokenized sentence with its BIO labels (one label per word).
 *
 * <p>{@code id} is the sentence's identifier within its dataset split; GNER assigns the running
 * index of the sentence as a string ({@code "0"}, {@code "1"}, ...). Both lists are immutable and
 * have the same length.
 */
public record NerSentence(String id, List<String> words, List<String> labels) {
    public NerSentence {
        Objects.requireNonNull(id, "id");
        words = List.copyOf(Objects.requireNonNull(words, "words"));
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException("sentence " + id + ": " + words.size() + " words but "
                    + labels.size() + " labels");
        }
    }

    public int size() {
        return words.size();
    }

    /** The same sentence under another id. */
    public NerSentence withId(String newId) {
        return newId.equals(id) ? this : new NerSentence(newId, words, labels);
    }
}
