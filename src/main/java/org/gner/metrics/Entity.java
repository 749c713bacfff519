package org.gner.metrics;

/** A span as GNER compares it: {@code normalize_answer} applied to its text and to its type. */
public record Entity(String text, String type) {

    /** The entity GNER compares for a span's text (its words joined by spaces) and type. */
    public static Entity normalized(String text, String type) {
        return new Entity(AnswerNormalizer.normalize(text), AnswerNormalizer.normalize(type));
    }
}
