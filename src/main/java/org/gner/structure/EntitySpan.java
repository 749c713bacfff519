package org.gner.structure;

/**
 * An entity found in a raw text.
 *
 * @param text the entity as it appears in the text ({@code text[start:end]})
 * @param label its entity type
 * @param start code-point offset of its first character in the text
 * @param end code-point offset just past its last character
 * @param wordStart index of its first word in its sentence
 * @param wordEnd index just past its last word
 */
public record EntitySpan(String text, String label, int start, int end, int wordStart, int wordEnd) {}
