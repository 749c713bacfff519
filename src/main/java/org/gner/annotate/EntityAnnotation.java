package org.gner.annotate;

/**
 * An entity found in a text: code-point offsets into the whole text ({@code end} exclusive), its
 * words in the sentence ({@code wordEnd} exclusive) and its confidence (null where the decoding gives none).
 */
public record EntityAnnotation(String text, String label, int start, int end, int wordStart, int wordEnd,
        Double confidence) {}
