package org.gner.structure;

import java.util.ArrayList;
import java.util.List;
import org.gner.data.TextSentence;
import org.gner.data.TextWord;

/**
 * BIO labels of a sentence's words to entities located in the raw text. Spans are delimited as GNER's
 * {@code parser} delimits them, so annotations agree with what GNER's evaluation counts: a span closes
 * on a label starting with {@code B} or {@code O}; any other label extends it (an {@code I-} with no
 * open span starts one), and the span takes the type of its last label.
 */
public final class EntitySpans {
    private EntitySpans() {}

    /** @param text the text the sentence was segmented from */
    public static List<EntitySpan> locate(String text, TextSentence sentence, List<String> labels) {
        List<TextWord> words = sentence.words();
        if (labels.size() != words.size()) {
            throw new IllegalArgumentException(words.size() + " words but " + labels.size() + " labels");
        }
        List<EntitySpan> spans = new ArrayList<>();
        int spanStart = -1;
        String type = null;
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            boolean closes = label.isEmpty() || label.charAt(0) == 'B' || label.charAt(0) == 'O';
            if (spanStart >= 0 && closes) {
                spans.add(span(text, words, spanStart, i, type));
                spanStart = -1;
            }
            if (!label.equals("O")) {
                if (spanStart < 0) {
                    spanStart = i;
                }
                type = label.length() > 2 ? label.substring(2) : "";
            }
        }
        if (spanStart >= 0) {
            spans.add(span(text, words, spanStart, labels.size(), type));
        }
        return spans;
    }

    private static EntitySpan span(String text, List<TextWord> words, int wordStart, int wordEnd, String type) {
        int start = words.get(wordStart).start();
        int end = words.get(wordEnd - 1).end();
        int from = text.offsetByCodePoints(0, start);
        String entityText = text.substring(from, text.offsetByCodePoints(from, end - start));
        return new EntitySpan(entityText, type, start, end, wordStart, wordEnd);
    }
}
