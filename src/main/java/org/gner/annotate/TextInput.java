package org.gner.annotate;

import java.util.List;

/**
 * One text to annotate.
 *
 * @param key    the caller's handle on it, handed back with its annotation
 * @param text   the text; null or blank: no sentences
 * @param labels its entity types; null: the annotator's
 * @param error  why it could not be read (it is then not annotated); null when it was
 */
public record TextInput<K>(K key, String text, List<String> labels, String error) {

    public static <K> TextInput<K> of(K key, String text) {
        return new TextInput<>(key, text, null, null);
    }
}
