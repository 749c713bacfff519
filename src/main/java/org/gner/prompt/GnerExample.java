package org.gner.prompt;

import java.util.List;
import java.util.Objects;

/**
 * One model example: the sentence, the label order used in its instruction, the model input
 * ({@code prompt}: GNER's {@code instruction_inputs}, LLaMA-wrapped when asked) and the expected
 * output ({@code target}: GNER's {@code prompt_labels}). Lists are immutable.
 */
public record GnerExample(String dataset, String split, String id, List<String> words, List<String> labels,
                          List<String> labelList, String prompt, String target) {
    public GnerExample {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(id, "id");
        words = List.copyOf(words);
        labels = List.copyOf(labels);
        labelList = List.copyOf(labelList);
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(target, "target");
    }
}
