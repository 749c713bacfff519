package org.gner.report;

import java.util.List;

/**
 * A sentence shown in the error examples: its words and gold labels, and per run (in report order)
 * the predicted labels and match kind, null for a run whose sentences are not paired with the baseline.
 */
public record ExampleSentence(String dataset, String id, List<String> words, List<String> gold,
        List<List<String>> predicted, List<String> matchKinds) {}
