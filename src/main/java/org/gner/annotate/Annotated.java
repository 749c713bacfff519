package org.gner.annotate;

/** A text's annotation with the key it came in with. */
public record Annotated<K>(K key, TextAnnotation annotation) {}
