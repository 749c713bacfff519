package org.gner.report;

import java.util.List;

/**
 * The report's data: the runs (the first is the baseline), the datasets in report order (the
 * baseline's, then any the others add), each later run's comparison with the baseline, and the
 * error examples.
 */
public record ReportContent(List<EvaluatedRun> runs, List<String> datasets, List<RunComparison> comparisons,
        List<ExampleSentence> examples, int resamples, long seed) {
    public ReportContent {
        runs = List.copyOf(runs);
        datasets = List.copyOf(datasets);
        comparisons = List.copyOf(comparisons);
        examples = List.copyOf(examples);
    }
}
