package org.gner.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a run holds the baseline's sentences: per dataset, the run's index of each baseline
 * sentence ({@link #order}), or the reason it does not ({@link #mismatch}).
 */
public record RunAlignment(Map<String, int[]> order, String mismatch) {

    public boolean paired() {
        return mismatch == null;
    }

    public static RunAlignment of(EvaluatedRun baseline, EvaluatedRun run) {
        List<String> baseDatasets = baseline.datasets().stream().map(d -> d.dataset()).toList();
        List<String> runDatasets = run.datasets().stream().map(d -> d.dataset()).toList();
        if (!new java.util.HashSet<>(baseDatasets).equals(new java.util.HashSet<>(runDatasets))) {
            return new RunAlignment(Map.of(), "datasets differ: " + baseDatasets + " vs " + runDatasets);
        }
        Map<String, int[]> order = new LinkedHashMap<>();
        for (String dataset : baseDatasets) {
            DatasetSentences base = baseline.sentences().get(dataset);
            DatasetSentences other = run.sentences().get(dataset);
            if (base == null || other == null) {
                return new RunAlignment(Map.of(), "no per-sentence counts for " + dataset);
            }
            Optional<int[]> aligned = SentencePairing.align(base.keys(), other.keys());
            if (aligned.isEmpty()) {
                return new RunAlignment(Map.of(), dataset + ": the sentences differ (" + base.size() + " vs "
                        + other.size() + " sentences, paired by id and words)");
            }
            order.put(dataset, aligned.get());
        }
        return new RunAlignment(order, null);
    }
}
