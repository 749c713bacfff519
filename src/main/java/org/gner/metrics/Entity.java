package org.gner.metrics;

/** A span as GNER compares it: {@code normalize_answer} applied to its text and to its type. */
public record Entity(String text, String type) {}
