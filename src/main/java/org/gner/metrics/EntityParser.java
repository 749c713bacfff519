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

    /**
     * A span GNER's parser finds, before normalization and de-duplication: words {@code [wordStart,
     * wordEnd)} and the type of its last label.
     */
    public record Span(int wordStart, int wordEnd, String type) {
        /** The entity GNER compares: the span's words joined by spaces and its type, normalized. */
        public Entity entity(List<String> words) {
            return EntityParser.entity(words.subList(wordStart, wordEnd), type);
        }
    }

    public static List<Entity> parse(List<String> words, List<String> labels) {
        LinkedHashSet<Entity> entities = new LinkedHashSet<>();
        for (Span span : spans(words, labels)) {
            entities.add(span.entity(words));
        }
        return new ArrayList<>(entities);
    }

    /** Every span in order, duplicates included: what {@link #parse} normalizes and de-duplicates. */
    public static List<Span> spans(List<String> words, List<String> labels) {
        if (words.size() != labels.size()) {
            throw new IllegalArgumentException(
                    "words and labels differ in size: " + words.size() + " vs " + labels.size());
        }
        List<Span> spans = new ArrayList<>();
        int start = -1;
        String spanType = null;
        for (int i = 0; i < words.size(); i++) {
            String label = labels.get(i);
            if (start >= 0 && closesSpan(label)) {
                spans.add(new Span(start, i, spanType));
                start = -1;
                spanType = null;
            }
            if (!label.equals("O")) {
                if (start < 0) {
                    start = i;
                }
                spanType = label.length() > 2 ? label.substring(2) : "";
            }
        }
        if (spanType != null) {
            spans.add(new Span(start, words.size(), spanType));
        }
        return spans;
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
        return Entity.normalized(String.join(" ", spanWords), type);
    }
}
