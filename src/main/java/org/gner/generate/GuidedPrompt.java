package org.gner.generate;

import java.util.List;

/**
 * A prompt and, when known, the words and entity labels it asks about (what the output automaton
 * is built from). Without them the runner reads them from the prompt text when it is a GNER prompt.
 */
public record GuidedPrompt(String prompt, List<String> wordsOrNull, List<String> labelsOrNull) {

    public static GuidedPrompt of(String prompt) {
        return new GuidedPrompt(prompt, null, null);
    }
}
