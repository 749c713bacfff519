package org.gner.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.LabelMetrics;

/** Hand-made runs and report content for the Spark-free report tests. */
final class ReportFixtures {
    private ReportFixtures() {}

    /** A run whose datasets hold the given per-sentence counts; sentence ids are "0", "1", ... */
    static EvaluatedRun run(String name, Map<String, SentenceCounts> datasets) {
        List<DatasetMetrics> metrics = new ArrayList<>();
        List<LabelMetrics> labels = new ArrayList<>();
        Map<String, DatasetSentences> sentences = new LinkedHashMap<>();
        Map<String, OutputQuality> quality = new LinkedHashMap<>();
        datasets.forEach((dataset, counts) -> {
            long c = Arrays.stream(counts.correct()).sum();
            long p = Arrays.stream(counts.predicted()).sum();
            long g = Arrays.stream(counts.gold()).sum();
            metrics.add(DatasetMetrics.of(dataset, counts.size(), c, p, g, 1, 2));
            labels.add(LabelMetrics.of(dataset, "person", c, p, g));
            String[] keys = new String[counts.size()];
            long[] positions = new long[counts.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i + "\u001f" + dataset.hashCode();
                positions[i] = i;
            }
            sentences.put(dataset, new DatasetSentences(dataset, keys, positions, counts));
            quality.put(dataset, new OutputQuality(dataset, counts.size(), 1, 2, 0, -1, 0));
        });
        return new EvaluatedRun(name, "/runs/" + name, "score", RunSummary.unknown(), metrics,
                DatasetMetrics.averageF1(metrics), 0, labels, quality, sentences);
    }

    /** Two runs on the same sentences, compared, with one example sentence of the given words. */
    static ReportContent content(EvaluatedRun a, EvaluatedRun b, ExampleSentence example) {
        List<EvaluatedRun> runs = List.of(a, b);
        List<RunComparison> comparisons = ReportAnalysis.compare(runs, ReportAnalysis.alignments(runs), 200, 1);
        return new ReportContent(runs, ReportAnalysis.datasetOrder(runs), comparisons,
                example == null ? List.of() : List.of(example), 200, 1);
    }
}
