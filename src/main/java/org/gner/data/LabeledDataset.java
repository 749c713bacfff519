package org.gner.data;

import java.util.List;
import java.util.Objects;

/**
 * One split of one dataset: its entity label names in {@code label.txt} order and its sentences.
 * Lists are immutable.
 */
public record LabeledDataset(String name, String split, List<String> labels, List<NerSentence> sentences) {
    public LabeledDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(split, "split");
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        sentences = List.copyOf(Objects.requireNonNull(sentences, "sentences"));
    }

    public int size() {
        return sentences.size();
    }

    /** The same dataset with other sentences (e.g. after {@link DatasetConfigs#sample}). */
    public LabeledDataset withSentences(List<NerSentence> newSentences) {
        return new LabeledDataset(name, split, labels, newSentences);
    }
}
