package org.gner.structure;

/** Which branch of GNER's {@code hierarchical_matching} aligned a prediction with the input words. */
public enum MatchKind {
    /** The predicted words equal the (lower-cased, back-tokenized) input words; labels are used as is. */
    EXACT,
    /** The predicted words are an in-order subsequence of the input words (first-occurrence greedy). */
    SUBSEQUENCE,
    /** Neither of the above: GNER's {@code lcs_solve_fast} alignment. */
    LCS,
    /**
     * No (word, label) pair could be extracted while the sentence has words. GNER does not treat this
     * separately: its {@code contains_in_order} returns all {@code -1} for an empty prediction, so it
     * lands in the subsequence branch and every word gets {@code O}. Kept apart here so that model
     * failures are not counted as subsequence matches.
     */
    EMPTY
}
