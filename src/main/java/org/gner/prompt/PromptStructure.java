package org.gner.prompt;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The words and entity labels of a GNER prompt, read back from its text: the labels from
 * {@code "Use the specific entity tags: a, b and O.\n"}, the words from {@code "Sentence: w1 w2 ..."}
 * (T5 form, or inside {@code [INST] ... [/INST]}), as {@link PromptBuilder} writes them.
 *
 * @param words  the sentence's words, split on single spaces as GNER joined them
 * @param labels the entity types, in prompt order (O excluded)
 */
public record PromptStructure(List<String> words, List<String> labels) {
    private static final String TAGS = "\nUse the specific entity tags: ";
    private static final String TAGS_END = " and O.\n";
    private static final String SENTENCE = "Sentence: ";
    private static final String LLAMA_END = " [/INST]";

    public PromptStructure {
        words = List.copyOf(words);
        labels = List.copyOf(labels);
    }

    /** The structure of {@code prompt}, or empty when it is not a GNER prompt. */
    public static Optional<PromptStructure> parse(String prompt) {
        int tags = prompt.indexOf(TAGS);
        if (tags < 0) {
            return Optional.empty();
        }
        int tagsEnd = prompt.indexOf(TAGS_END, tags);
        int sentence = prompt.lastIndexOf(SENTENCE);
        if (tagsEnd < 0 || sentence < tagsEnd) {
            return Optional.empty();
        }
        String text = prompt.substring(sentence + SENTENCE.length());
        if (prompt.startsWith("[INST] ")) {
            if (!text.endsWith(LLAMA_END)) {
                return Optional.empty();
            }
            text = text.substring(0, text.length() - LLAMA_END.length());
        }
        String labelText = prompt.substring(tags + TAGS.length(), tagsEnd);
        if (text.isEmpty() || labelText.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PromptStructure(Arrays.asList(text.split(" ", -1)),
                Arrays.asList(labelText.split(", ", -1))));
    }
}
