package org.gner.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gner.structure.BackTokenizer;
import org.gner.structure.WordNormalizer;
import org.gner.data.GnerJsonl;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scores the real GNER prediction files and compares with the F1 GNER's evaluator wrote for them. */
class GnerParityTest {
    private static final double TOLERANCE = 1e-12;
    private static final List<String> RUNS =
            List.of("gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100");

    private static BackTokenizer flanT5;

    @BeforeAll
    static void loadTokenizer() throws IOException {
        flanT5 = BackTokenizer.load(SharedData.flanT5Tokenizer());
    }

    @AfterAll
    static void closeTokenizer() {
        flanT5.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100"})
    void reproducesEveryDatasetF1AndTheAverage(String run) throws IOException {
        MetricsAccumulator metrics = score(run, flanT5);
        JsonNode expected = allResults(run);

        assertEquals(7, metrics.datasets().size());
        for (DatasetMetrics d : metrics.datasets()) {
            JsonNode f1 = expected.get("eval_" + d.dataset());
            assertNotNull(f1, "no eval_" + d.dataset() + " in " + run);
            assertEquals(f1.asDouble(), d.f1(), TOLERANCE, run + " " + d.dataset());
            assertEquals(100, d.sentences());
        }
        assertEquals(expected.get("eval_average").asDouble(), metrics.averageF1(), TOLERANCE, run + " average");
    }

    @Test
    void withoutBackTokenizationSomeRunsDiffer() throws IOException {
        int differing = 0;
        for (String run : RUNS) {
            JsonNode expected = allResults(run);
            for (DatasetMetrics d : score(run, WordNormalizer.IDENTITY).datasets()) {
                if (Math.abs(expected.get("eval_" + d.dataset()).asDouble() - d.f1()) > TOLERANCE) {
                    differing++;
                }
            }
        }
        assertTrue(differing > 0, "back-tokenization changed no dataset F1");
    }

    /**
     * Without a tokenizer the scores equal those of GNER's own evaluator functions called with
     * {@code tokenizer=None} on this file (run once under CPython 3.11, values copied here).
     */
    @Test
    void withoutBackTokenizationMatchesGnerWithTokenizerNone() {
        double[] expected = {0.5051194538755971, 0.5655644241231893, 0.712404712354619, 0.5788643532622956,
            0.6416666666167282, 0.5492227978773391, 0.4195402298366149};
        List<DatasetMetrics> datasets = score("gner-t5-base-dev100", WordNormalizer.IDENTITY).datasets();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], datasets.get(i).f1(), TOLERANCE, datasets.get(i).dataset());
        }
        assertEquals(222, datasets.get(0).correct());
        assertEquals(495, datasets.get(0).predicted());
        assertEquals(384, datasets.get(0).gold());
    }

    @Test
    void countsMatchingBranchesPerDataset() {
        DatasetMetrics movie = score("gner-t5-base-dev100-bs700", flanT5).datasets().get(5);
        assertEquals("mit-movie", movie.dataset());
        assertEquals(0, movie.subsequenceMatches());
        assertEquals(30, movie.lcsMatches());
    }

    @Test
    void perLabelCountsAddUpToDatasetTotals() {
        MetricsAccumulator metrics = score("gner-t5-large-dev100", flanT5);
        for (DatasetMetrics d : metrics.datasets()) {
            List<LabelMetrics> labels = metrics.labelMetrics().stream()
                    .filter(l -> l.dataset().equals(d.dataset())).toList();
            assertTrue(labels.size() > 1, d.dataset());
            assertEquals(d.correct(), labels.stream().mapToLong(LabelMetrics::correct).sum());
            assertEquals(d.predicted(), labels.stream().mapToLong(LabelMetrics::predicted).sum());
            assertEquals(d.gold(), labels.stream().mapToLong(LabelMetrics::gold).sum());
        }
    }

    private static MetricsAccumulator score(String run, WordNormalizer normalizer) {
        return new PredictionScorer(normalizer).scoreAll(
                GnerJsonl.readAll(SharedData.path("predictions/" + run + "/predictions.jsonl")), new MetricsAccumulator());
    }

    private static JsonNode allResults(String run) throws IOException {
        return new ObjectMapper().readTree(SharedData.path("predictions/" + run + "/all_results.json").toFile());
    }
}
