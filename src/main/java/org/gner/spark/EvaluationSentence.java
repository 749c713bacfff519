package org.gner.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.gner.prompt.GnerExample;

/**
 * One sentence of {@code evaluate}'s input: its global position ({@code order}: datasets in config
 * order, sentences in sampled order, which fixes partitioning and output order) and GNER's example:
 * {@code prompt} is GNER's instruction_inputs, {@code target} its prompt_labels. A plain class, not a
 * record: Kryo (the jobs' serializer) cannot build records.
 */
final class EvaluationSentence implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long order;
    private final String dataset;
    private final String split;
    private final String id;
    private final String[] words;
    private final String[] labels;
    private final String[] labelList;
    private final String prompt;
    private final String target;

    private EvaluationSentence(long order, GnerExample e) {
        this.order = order;
        this.dataset = e.dataset();
        this.split = e.split();
        this.id = e.id();
        this.words = e.words().toArray(new String[0]);
        this.labels = e.labels().toArray(new String[0]);
        this.labelList = e.labelList().toArray(new String[0]);
        this.prompt = e.prompt();
        this.target = e.target();
    }

    static EvaluationSentence of(long order, GnerExample e) {
        return new EvaluationSentence(order, e);
    }

    long order() {
        return order;
    }

    String dataset() {
        return dataset;
    }

    String split() {
        return split;
    }

    String id() {
        return id;
    }

    String[] words() {
        return words;
    }

    String[] labels() {
        return labels;
    }

    String[] labelList() {
        return labelList;
    }

    String prompt() {
        return prompt;
    }

    String target() {
        return target;
    }

    List<String> wordList() {
        return Arrays.asList(words);
    }

    List<String> labelsList() {
        return Arrays.asList(labels);
    }

    List<String> labelListList() {
        return Arrays.asList(labelList);
    }

    /** Its fields as a list, arrays as lists, so that equals compares contents. */
    List<Object> values() {
        return List.of(order, dataset, split, id, wordList(), labelsList(), labelListList(), prompt, target);
    }
}
