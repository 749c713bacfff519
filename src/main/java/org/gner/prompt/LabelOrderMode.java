package org.gner.prompt;

/** How the entity labels are ordered in a sentence's instruction. See {@link LabelOrder}. */
public enum LabelOrderMode {
    /** Deterministic shuffle per (dataset, sentence id, seed): GNER's per-sentence shuffle, made reproducible. */
    SEEDED,
    /** The {@code label.txt} order, unshuffled. */
    FILE,
    /** The record's own {@code label_list} (GNER JSONL input), e.g. to reproduce a published run exactly. */
    RECORD
}
