package org.gner.prompt;

import java.util.List;

/**
 * Builds GNER's model inputs and targets, byte for byte as {@code src/gner_dataset.py}
 * ({@code _generate_examples}) and {@code src/run.py} ({@code preprocess_function}) do.
 *
 * <pre>
 * instruction_inputs = INSTRUCTION
 *                    + "\nUse the specific entity tags: " + join(", ", labels) + " and O.\n"
 *                    + ("Dataset: " + name + ".\n")      // only with --add_dataset_name
 *                    + "Sentence: " + join(" ", words)
 * prompt_labels      = join(" ", word + "(" + label + ")")
 * LLaMA prompt       = "[INST] " + instruction_inputs + " [/INST]"
 * LLaMA training text= LLaMA prompt + " " + prompt_labels
 * </pre>
 * T5 models take {@code instruction_inputs} as is.
 */
public final class PromptBuilder {
    private PromptBuilder() {}

    /**
     * GNER's fixed instruction ({@code configs/instruction_configs/instruction.json}, its only
     * entry), ending in a newline.
     */
    public static final String INSTRUCTION =
            "Please analyze the sentence provided, identifying the type of entity for each word on a token-by-token basis.\n"
            + "Output format is: word_1(label_1), word_2(label_2), ...\n"
            + "We'll use the BIO-format to label the entities, where:\n"
            + "1. B- (Begin) indicates the start of a named entity.\n"
            + "2. I- (Inside) is used for words within a named entity but are not the first word.\n"
            + "3. O (Outside) denotes words that are not part of a named entity.\n";

    /**
     * GNER's {@code instruction_inputs} for a sentence, with the entity labels in the given order.
     *
     * @param datasetNameOrNull when not null, adds {@code "Dataset: <name>.\n"} (GNER's
     *                          {@code add_dataset_name}, off in all its released runs)
     */
    public static String instruction(List<String> labels, List<String> words, String datasetNameOrNull) {
        StringBuilder sb = new StringBuilder(INSTRUCTION.length() + 64 + 16 * labels.size() + 8 * words.size());
        sb.append(INSTRUCTION).append("\nUse the specific entity tags: ");
        join(sb, labels, ", ");
        sb.append(" and O.\n");
        if (datasetNameOrNull != null) {
            sb.append("Dataset: ").append(datasetNameOrNull).append(".\n");
        }
        sb.append("Sentence: ");
        join(sb, words, " ");
        return sb.toString();
    }

    /** GNER's {@code prompt_labels}: {@code word(label)} for each word, joined by single spaces. */
    public static String promptLabels(List<String> words, List<String> labels) {
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException(words.size() + " words but " + labels.size() + " labels");
        }
        StringBuilder sb = new StringBuilder(16 * words.size());
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(words.get(i)).append('(').append(labels.get(i)).append(')');
        }
        return sb.toString();
    }

    /** GNER-LLaMA's prompt: {@code "[INST] " + prompt + " [/INST]"}. */
    public static String llama(String prompt) {
        return "[INST] " + prompt + " [/INST]";
    }

    /** GNER-LLaMA's training text: {@code llama(prompt) + " " + target} (the tokenizer adds BOS/EOS). */
    public static String llamaTrainingText(String prompt, String target) {
        return llama(prompt) + " " + target;
    }

    private static void join(StringBuilder sb, List<String> parts, String sep) {
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(parts.get(i));
        }
    }
}
