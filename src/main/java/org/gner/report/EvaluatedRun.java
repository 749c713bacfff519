package org.gner.report;

import java.util.List;
import java.util.Map;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.LabelMetrics;

/**
 * Everything the report shows of one run folder ({@code evaluate} or {@code score} output). Datasets
 * come from {@code metrics.json} in its order; {@code sentences} and {@code quality} are keyed by dataset;
 * {@code confidence} is null for a run without entity confidences.
 */
public record EvaluatedRun(String name, String folder, String kind, RunSummary summary, List<DatasetMetrics> datasets,
        double averageF1, long errors, List<LabelMetrics> labels, Map<String, OutputQuality> quality,
        Map<String, DatasetSentences> sentences, RunConfidence confidence) {

    /** A run without entity-confidence figures. */
    public EvaluatedRun(String name, String folder, String kind, RunSummary summary, List<DatasetMetrics> datasets,
            double averageF1, long errors, List<LabelMetrics> labels, Map<String, OutputQuality> quality,
            Map<String, DatasetSentences> sentences) {
        this(name, folder, kind, summary, datasets, averageF1, errors, labels, quality, sentences, null);
    }

    public EvaluatedRun {
        datasets = List.copyOf(datasets);
        labels = List.copyOf(labels);
        quality = Map.copyOf(quality);
        sentences = Map.copyOf(sentences);
    }

    public long sentenceCount() {
        return datasets.stream().mapToLong(DatasetMetrics::sentences).sum();
    }

    public DatasetMetrics dataset(String name) {
        return datasets.stream().filter(d -> d.dataset().equals(name)).findFirst().orElse(null);
    }
}
