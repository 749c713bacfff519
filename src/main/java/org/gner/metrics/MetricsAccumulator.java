package org.gner.metrics;

import org.gner.structure.MatchKind;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums sentence results per dataset in order of first appearance, as GNER's {@code compute_metrics}
 * groups them. Not thread-safe: give each worker its own and {@link #merge} them in input order.
 * Sentences matched as {@link MatchKind#EMPTY} count in neither {@code subsequenceMatches} nor
 * {@code lcsMatches} (GNER itself would take its subsequence branch for them).
 */
public final class MetricsAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, DatasetTotals> datasets = new LinkedHashMap<>();

    public MetricsAccumulator add(String dataset, SentenceScore score, MatchKind matchKind) {
        DatasetTotals totals = datasets.computeIfAbsent(dataset, d -> new DatasetTotals());
        totals.sentences++;
        totals.counts.add(score.correct(), score.predicted(), score.gold());
        if (matchKind == MatchKind.SUBSEQUENCE) {
            totals.subsequenceMatches++;
        } else if (matchKind == MatchKind.LCS) {
            totals.lcsMatches++;
        }
        for (LabelCount label : score.perLabel()) {
            totals.perLabel.computeIfAbsent(label.label(), l -> new Counts())
                    .add(label.correct(), label.predicted(), label.gold());
        }
        return this;
    }

    /** Adds {@code other}'s sums; datasets and labels new to this one are appended in its order. */
    public MetricsAccumulator merge(MetricsAccumulator other) {
        other.datasets.forEach((dataset, theirs) -> {
            DatasetTotals ours = datasets.computeIfAbsent(dataset, d -> new DatasetTotals());
            ours.sentences += theirs.sentences;
            ours.subsequenceMatches += theirs.subsequenceMatches;
            ours.lcsMatches += theirs.lcsMatches;
            ours.counts.add(theirs.counts);
            theirs.perLabel.forEach((label, counts) ->
                    ours.perLabel.computeIfAbsent(label, l -> new Counts()).add(counts));
        });
        return this;
    }

    public List<DatasetMetrics> datasets() {
        List<DatasetMetrics> result = new ArrayList<>(datasets.size());
        datasets.forEach((dataset, t) -> {
            result.add(DatasetMetrics.of(dataset, t.sentences, t.counts.correct, t.counts.predicted,
                    t.counts.gold, t.subsequenceMatches, t.lcsMatches));
        });
        return result;
    }

    /** Per dataset (in order) and entity type (in order of first appearance within it). */
    public List<LabelMetrics> labelMetrics() {
        List<LabelMetrics> result = new ArrayList<>();
        datasets.forEach((dataset, t) -> t.perLabel.forEach((label, c) ->
                result.add(LabelMetrics.of(dataset, label, c.correct, c.predicted, c.gold))));
        return result;
    }

    /** Plain mean of the per-dataset F1, summed in dataset order as GNER does; NaN when empty. */
    public double averageF1() {
        return DatasetMetrics.averageF1(datasets());
    }

    private static final class DatasetTotals implements Serializable {
        private static final long serialVersionUID = 1L;
        long sentences;
        long subsequenceMatches;
        long lcsMatches;
        final Counts counts = new Counts();
        final Map<String, Counts> perLabel = new LinkedHashMap<>();
    }

    private static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;
        long correct;
        long predicted;
        long gold;

        void add(long c, long p, long g) {
            correct += c;
            predicted += p;
            gold += g;
        }

        void add(Counts other) {
            add(other.correct, other.predicted, other.gold);
        }
    }
}
