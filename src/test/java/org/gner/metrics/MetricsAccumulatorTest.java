package org.gner.metrics;

import org.gner.structure.MatchKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsAccumulatorTest {

    private static SentenceScore score(int c, int p, int g, String label) {
        return new SentenceScore(c, p, g, List.of(new LabelCount(label, c, p, g)));
    }

    @Test
    void datasetsKeepFirstAppearanceOrderAndAverageIsThePlainMean() {
        MetricsAccumulator acc = new MetricsAccumulator()
                .add("b", score(1, 1, 2, "x"), MatchKind.EXACT)
                .add("a", score(2, 2, 2, "y"), MatchKind.LCS)
                .add("c", score(0, 1, 0, "x"), MatchKind.SUBSEQUENCE)
                .add("b", score(0, 1, 1, "z"), MatchKind.EMPTY);

        List<DatasetMetrics> datasets = acc.datasets();
        assertEquals(List.of("b", "a", "c"), datasets.stream().map(DatasetMetrics::dataset).toList());
        assertEquals(new DatasetMetrics("b", 2, 1, 2, 3, 0.499999999975, 0.3333333333222222, 0.399999999936, 0, 0),
                datasets.get(0));
        assertEquals(1, datasets.get(1).lcsMatches());
        assertEquals(1, datasets.get(2).subsequenceMatches());
        // CPython: (0.399999999936 + 0.9999999999 + 0.0) / 3
        assertEquals(0.466666666612, acc.averageF1());
    }

    @Test
    void perLabelMetricsPerDataset() {
        MetricsAccumulator acc = new MetricsAccumulator()
                .add("d", new SentenceScore(1, 2, 2, List.of(new LabelCount("person", 1, 1, 1),
                        new LabelCount("location", 0, 1, 1))), MatchKind.EXACT)
                .add("d", score(1, 1, 1, "person"), MatchKind.EXACT);
        assertEquals(List.of(
                new LabelMetrics("d", "person", 2, 2, 2, 0.99999999995, 0.99999999995, 0.9999999999),
                new LabelMetrics("d", "location", 0, 1, 1, 0.0, 0.0, 0.0)), acc.labelMetrics());
    }

    @Test
    void mergeEqualsSequentialAccumulation() {
        MetricsAccumulator sequential = new MetricsAccumulator();
        MetricsAccumulator left = new MetricsAccumulator();
        MetricsAccumulator right = new MetricsAccumulator();
        String[] datasets = {"x", "y", "x", "z", "y", "z"};
        for (int i = 0; i < datasets.length; i++) {
            SentenceScore s = score(i % 2, 1 + i % 3, 1 + i % 2, "t" + (i % 3));
            MatchKind kind = MatchKind.values()[i % MatchKind.values().length];
            sequential.add(datasets[i], s, kind);
            (i < 3 ? left : right).add(datasets[i], s, kind);
        }
        MetricsAccumulator merged = left.merge(right);
        assertEquals(sequential.datasets(), merged.datasets());
        assertEquals(sequential.labelMetrics(), merged.labelMetrics());
        assertEquals(sequential.averageF1(), merged.averageF1());
    }

    @Test
    void emptyAccumulatorHasNoAverage() {
        assertTrue(Double.isNaN(new MetricsAccumulator().averageF1()));
    }
}
