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

    /** {@code run} with entity-confidence figures for each of its datasets (a made-up, overconfident model). */
    static EvaluatedRun withConfidence(EvaluatedRun run) {
        List<RunConfidence.DatasetCalibration> datasets = new ArrayList<>();
        for (DatasetMetrics d : run.datasets()) {
            List<RunConfidence.Bin> bins = new ArrayList<>();
            for (int b = 0; b < 10; b++) {
                long n = b < 3 ? 0 : 5L * b;
                bins.add(new RunConfidence.Bin(b / 10.0, (b + 1) / 10.0, n, n == 0 ? Double.NaN : b / 10.0 + 0.05,
                        n == 0 ? Double.NaN : Math.max(0, b / 10.0 - 0.1)));
            }
            List<RunConfidence.ThresholdPoint> points = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                double t = k / 20.0;
                points.add(new RunConfidence.ThresholdPoint(t, 0.6 + 0.3 * t, 0.7 - 0.5 * t * t, 0.65 - 0.2 * (t - 0.4) * (t - 0.4)));
            }
            datasets.add(new RunConfidence.DatasetCalibration(d.dataset(), 300, 0.0873, bins, points));
        }
        return new EvaluatedRun(run.name(), run.folder(), run.kind(), run.summary(), run.datasets(), run.averageF1(),
                run.errors(), run.labels(), run.quality(), run.sentences(),
                new RunConfidence(1.4, "geometric_mean", datasets));
    }

    /** Two runs on the same sentences, compared, with one example sentence of the given words. */
    static ReportContent content(EvaluatedRun a, EvaluatedRun b, ExampleSentence example) {
        List<EvaluatedRun> runs = List.of(a, b);
        List<RunComparison> comparisons = ReportAnalysis.compare(runs, ReportAnalysis.alignments(runs), 200, 1);
        return new ReportContent(runs, ReportAnalysis.datasetOrder(runs), comparisons,
                example == null ? List.of() : List.of(example), 200, 1);
    }
}
