package org.gner.data;

import java.util.List;

/**
 * A sentence of a raw text: its words, and the code-point span from its first word's start to its
 * last word's end.
 */
public record TextSentence(int start, int end, List<TextWord> words) {
    public TextSentence {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a sentence has at least one word");
        }
    }

    public static TextSentence of(List<TextWord> words) {
        return new TextSentence(words.get(0).start(), words.get(words.size() - 1).end(), words);
    }

    public List<String> wordTexts() {
        return words.stream().map(TextWord::text).toList();
    }
}
