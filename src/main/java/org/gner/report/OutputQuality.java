package org.gner.report;

/**
 * How one run's outputs for one dataset needed repair: GNER's fallback matching (subsequence, LCS),
 * outputs with no labelled word, prompts cut to the input limit ({@code truncated} is -1 when the run
 * cannot know, as for {@code score}), and records that could not be generated or scored.
 */
public record OutputQuality(String dataset, long sentences, long subsequence, long lcs, long empty, long truncated,
        long errors) {}
