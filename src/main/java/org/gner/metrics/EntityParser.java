package org.gner.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * GNER's {@code parser}: BIO labels to normalized, de-duplicated (text, type) entities in order.
 * A span closes only on a label starting with 'B' or 'O'; any other label ({@code I-x}, or a stray
 * one) extends it, and the span takes the type of its last label ({@code label[2:]}).
 */
public final class EntityParser {
    private EntityParser() {}

    public static List<Entity> parse(List<String> words, List<String> labels) {
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException(
                    "words and labels differ in size: " + words.size() + " vs " + labels.size());
        }
        LinkedHashSet<Entity> entities = new LinkedHashSet<>();
        List<String> spanWords = new ArrayList<>();
        String spanType = null;
        for (int i = 0; i < words.size(); i++) {
            String label = labels.get(i);
            if (!spanWords.isEmpty() && closesSpan(label)) {
                entities.add(entity(spanWords, spanType));
                spanWords.clear();
                spanType = null;
            }
            if (!label.equals("O")) {
                spanWords.add(words.get(i));
                spanType = label.length() > 2 ? label.substring(2) : "";
            }
        }
        if (spanType != null) {
            entities.add(entity(spanWords, spanType));
        }
        return new ArrayList<>(entities);
    }

    /** Python's {@code label[0] == 'B' or label[0] == 'O'}, which fails on an empty label. */
    private static boolean closesSpan(String label) {
        if (label.isEmpty()) {
            throw new IllegalArgumentException("empty label inside a span");
        }
        char first = label.charAt(0);
        return first == 'B' || first == 'O';
    }

    private static Entity entity(List<String> spanWords, String type) {
        return new Entity(
                AnswerNormalizer.normalize(String.join(" ", spanWords)), AnswerNormalizer.normalize(type));
    }
}
