package org.gner.report;

/** One colour per run, in run order (Tableau 10, readable on white and distinct for colour-blind readers). */
final class RunColours {
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    private RunColours() {}

    static String of(int run) {
        return PALETTE[run % PALETTE.length];
    }
}
