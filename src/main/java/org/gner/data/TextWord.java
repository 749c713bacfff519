package org.gner.data;

/**
 * A word of a raw text, with its place in that text.
 *
 * @param start offset of its first character, in code points (Python's and Spark SQL's character
 *     offsets, not Java's UTF-16 indices)
 * @param end offset just past its last character, in code points
 */
public record TextWord(String text, int start, int end) {}
