package org.gner.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gner.metrics.DatasetMetrics;

/**
 * Compares the runs with the first: runs that hold the same sentences go through the
 * {@link PairedBootstrap} together (one set of resamples for all of them); the others get the
 * observed ΔF1 only, with a note.
 */
public final class ReportAnalysis {
    private ReportAnalysis() {}

    public static List<String> datasetOrder(List<EvaluatedRun> runs) {
        Set<String> order = new LinkedHashSet<>();
        for (EvaluatedRun run : runs) {
            run.datasets().forEach(d -> order.add(d.dataset()));
        }
        return List.copyOf(order);
    }

    public static List<RunAlignment> alignments(List<EvaluatedRun> runs) {
        List<RunAlignment> result = new ArrayList<>();
        for (int k = 1; k < runs.size(); k++) {
            result.add(RunAlignment.of(runs.get(0), runs.get(k)));
        }
        return result;
    }

    /** One comparison per run after the first, in run order. */
    public static List<RunComparison> compare(List<EvaluatedRun> runs, List<RunAlignment> alignments,
            int resamples, long seed) {
        if (runs.size() < 2) {
            return List.of();
        }
        EvaluatedRun baseline = runs.get(0);
        List<String> datasets = baseline.datasets().stream().map(DatasetMetrics::dataset).toList();
        List<Integer> pairedRuns = new ArrayList<>();
        List<List<SentenceCounts>> counts = new ArrayList<>();
        counts.add(datasets.stream().map(d -> baseline.sentences().get(d).counts()).toList());
        for (int k = 1; k < runs.size(); k++) {
            RunAlignment alignment = alignments.get(k - 1);
            if (alignment.paired()) {
                EvaluatedRun run = runs.get(k);
                pairedRuns.add(k);
                counts.add(datasets.stream()
                        .map(d -> run.sentences().get(d).counts().reordered(alignment.order().get(d)))
                        .toList());
            }
        }
        List<PairedBootstrap.Comparison> bootstrapped = PairedBootstrap.compare(counts, resamples, seed);
        List<String> reportDatasets = datasetOrder(runs);
        List<RunComparison> result = new ArrayList<>();
        for (int k = 1; k < runs.size(); k++) {
            int pairedIndex = pairedRuns.indexOf(k);
            EvaluatedRun run = runs.get(k);
            if (pairedIndex >= 0) {
                PairedBootstrap.Comparison c = bootstrapped.get(pairedIndex);
                Map<String, DeltaEstimate> perDataset = new LinkedHashMap<>();
                for (int d = 0; d < datasets.size(); d++) {
                    perDataset.put(datasets.get(d), c.perDataset().get(d));
                }
                result.add(new RunComparison(run.name(), baseline.name(), true, null, perDataset, c.average()));
            } else {
                result.add(unpaired(baseline, run, reportDatasets, alignments.get(k - 1).mismatch()));
            }
        }
        return result;
    }

    private static RunComparison unpaired(EvaluatedRun baseline, EvaluatedRun run, List<String> datasets,
            String mismatch) {
        Map<String, DeltaEstimate> perDataset = new LinkedHashMap<>();
        for (String dataset : datasets) {
            DatasetMetrics a = baseline.dataset(dataset);
            DatasetMetrics b = run.dataset(dataset);
            if (a != null && b != null) {
                perDataset.put(dataset, RunComparison.observedOnly(b.f1() - a.f1()));
            }
        }
        return new RunComparison(run.name(), baseline.name(), false,
                "not the same sentences, so no bootstrap (" + mismatch + "); ΔF1 is the plain difference",
                perDataset, RunComparison.observedOnly(run.averageF1() - baseline.averageF1()));
    }
}
