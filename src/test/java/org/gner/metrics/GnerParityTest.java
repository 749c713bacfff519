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

    /**
     * The spans evaluate writes as {@code predicted_entities} (EntityParser.spans of the structured labels)
     * are the entities GNER's scorer counts: de-duplicated they are its predicted set, and counted at
     * threshold 0 by ConfidenceThresholds (gold flags from the gold entities) they give its P / R / F1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gner-t5-base-dev100", "gner-t5-large-dev100"})
    void predictedSpansAreTheEntitiesTheScorerCounts(String run) {
        PredictionScorer scorer = new PredictionScorer(flanT5);
        ConfidenceThresholds thresholds = new ConfidenceThresholds();
        int spans = 0;
        for (org.gner.data.GnerRecord record : GnerJsonl.readAll(
                SharedData.path("predictions/" + run + "/predictions.jsonl"))) {
            PredictionScorer.ScoredPrediction scored = scorer.score(record);
            List<String> words = record.instance().words();
            java.util.Set<Entity> gold = new java.util.HashSet<>(EntityParser.parse(words, record.instance().labels()));
            List<ConfidenceThresholds.Scored> predicted = new java.util.ArrayList<>();
            java.util.Set<Entity> distinct = new java.util.LinkedHashSet<>();
            for (EntityParser.Span span : EntityParser.spans(words, scored.structured().labels())) {
                Entity e = span.entity(words);
                distinct.add(e);
                predicted.add(new ConfidenceThresholds.Scored(e, null, gold.contains(e)));
                spans++;
            }
            assertEquals(EntityParser.parse(words, scored.structured().labels()), List.copyOf(distinct));
            assertEquals(scored.score().predicted(), distinct.size());
            assertEquals(scored.score().gold(), gold.size());
            thresholds.add(scored.dataset(), predicted, gold.size());
        }
        MetricsAccumulator metrics = score(run, flanT5);
        List<String> names = metrics.datasets().stream().map(DatasetMetrics::dataset).toList();
        List<ConfidenceThresholds.Row> rows = thresholds.rows(names);
        for (DatasetMetrics d : metrics.datasets()) {
            ConfidenceThresholds.Row atZero = rows.stream()
                    .filter(r -> r.dataset().equals(d.dataset()) && r.threshold() == 0).findFirst().orElseThrow();
            assertEquals(d.correct(), atZero.correct(), d.dataset());
            assertEquals(d.predicted(), atZero.predicted(), d.dataset());
            assertEquals(d.gold(), atZero.gold(), d.dataset());
            assertEquals(d.f1(), atZero.f1(), TOLERANCE, d.dataset());
        }
        assertTrue(spans > 1000, "spans: " + spans);
    }

    private static MetricsAccumulator score(String run, WordNormalizer normalizer) {
        return new PredictionScorer(normalizer).scoreAll(
                GnerJsonl.readAll(SharedData.path("predictions/" + run + "/predictions.jsonl")), new MetricsAccumulator());
    }

    private static JsonNode allResults(String run) throws IOException {
        return new ObjectMapper().readTree(SharedData.path("predictions/" + run + "/all_results.json").toFile());
    }
}
