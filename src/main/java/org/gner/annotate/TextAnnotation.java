package org.gner.annotate;

import java.util.List;

/**
 * A text's annotation: its sentences in order, or none (an empty text, or {@code error}: the text
 * could not be annotated at all, e.g. it could not be read or has no labels).
 */
public record TextAnnotation(List<SentenceAnnotation> sentences, String error) {

    public TextAnnotation {
        sentences = List.copyOf(sentences);
    }

    public static TextAnnotation failed(String error) {
        return new TextAnnotation(List.of(), error);
    }

    /** The text's error, else its first failed sentence's ({@code "sentence k: ..."}), else null. */
    public String firstError() {
        if (error != null) {
            return error;
        }
        for (SentenceAnnotation s : sentences) {
            if (s.failed()) {
                return "sentence " + s.index() + ": " + s.error();
            }
        }
        return null;
    }

    /** Every sentence's entities, in text order (none from failed sentences). */
    public List<EntityAnnotation> entities() {
        return sentences.stream().filter(s -> !s.failed()).flatMap(s -> s.entities().stream()).toList();
    }
}
