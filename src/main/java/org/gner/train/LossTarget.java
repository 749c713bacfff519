package org.gner.train;

/**
 * What the training loss covers. {@link #TOKENS} is HF's: every target token over the whole
 * vocabulary. {@link #LABEL_CHOICES} is the loss of the decisions constrained decoding leaves to the
 * model ({@link LabelChoices}): each word's label tokens, normalised over the tokens its output
 * automaton allows there. It skips the vocabulary-wide head (most of a small model's step) and
 * trains nothing for free decoding.
 */
public enum LossTarget {
    TOKENS,
    LABEL_CHOICES;

    /** Parses {@code tokens} or {@code label-choices} (any case). */
    public static LossTarget parse(String value) {
        for (LossTarget target : values()) {
            if (target.name().replace('_', '-').equalsIgnoreCase(value)) {
                return target;
            }
        }
        throw new IllegalArgumentException("loss must be tokens or label-choices, not '" + value + "'");
    }
}
