package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.gner.report.DeltaEstimate;
import org.gner.report.RunComparison;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report on the real GNER-T5-base and -large predictions, scored with {@code score}. */
class ReportJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @TempDir
    static Path runs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void scoreBothModels() {
        spark = SparkTestSession.start();
        for (String model : List.of("base", "large")) {
            ScoreJob.run(spark, new ScoreJob.Options(
                    SharedData.path("predictions/gner-t5-" + model + "-dev100/predictions.jsonl").toString(),
                    SharedData.flanT5Tokenizer(), runs.resolve(model).toString(), false, false));
        }
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void numbersInTheReportEqualMetricsJsonAndLargeIsSignificantlyBetter() throws IOException {
        Path out = tmp.resolve("report");
        ReportJob.Result result = ReportJob.run(spark, new ReportJob.Options(
                List.of(runs.resolve("base"), runs.resolve("large")), List.of(), out.toString(), 1000, 1234, false));

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(Files.readString(out.resolve("f1_by_dataset.svg")).startsWith("<svg"));
        assertTrue(Files.exists(out.resolve("delta_f1_2.svg")));
        JsonNode base = JSON.readTree(runs.resolve("base/metrics.json").toFile());
        JsonNode large = JSON.readTree(runs.resolve("large/metrics.json").toFile());
        for (JsonNode metrics : List.of(base, large)) {
            for (JsonNode d : metrics.get("datasets")) {
                assertTrue(html.contains("data-f1=\"" + d.get("f1").asDouble() + "\""), d.toString());
                assertTrue(html.contains(String.format(java.util.Locale.ROOT, "%.2f", 100 * d.get("precision").asDouble())));
                assertTrue(html.contains(">" + d.get("dataset").asText() + "<"));
            }
            assertTrue(html.contains("data-f1=\"" + metrics.get("average_f1").asDouble() + "\""));
        }
        assertTrue(html.contains("<b>56.84</b>") && html.contains("<b>61.37</b>"), "the two averages in percent");

        RunComparison c = result.content().comparisons().get(0);
        assertTrue(c.paired());
        assertEquals("large", c.run());
        assertEquals("base", c.baseline());
        DeltaEstimate average = c.average();
        assertEquals(large.get("average_f1").asDouble() - base.get("average_f1").asDouble(), average.delta(), 1e-15);
        assertTrue(average.significant() && average.pValue() < 0.05, average.toString());
        assertTrue(html.contains("data-delta=\"" + average.delta() + "\""));
        assertTrue(html.contains("significantly better"));
        assertEquals(7 * ReportJob.EXAMPLES_PER_DATASET, result.content().examples().size());
        assertTrue(result.content().examples().stream().allMatch(e -> e.predicted().stream().allMatch(p -> p != null)));
    }

    @Test
    void runsOnDifferentSentencesAreComparedWithoutBootstrap() throws IOException {
        Path subset = tmp.resolve("subset.jsonl");
        Files.write(subset, Files.readAllLines(
                SharedData.path("predictions/gner-t5-large-dev100/predictions.jsonl")).subList(0, 650));
        ScoreJob.run(spark, new ScoreJob.Options(subset.toString(), SharedData.flanT5Tokenizer(),
                tmp.resolve("subset").toString(), false, false));

        ReportJob.Result result = ReportJob.run(spark, new ReportJob.Options(
                List.of(runs.resolve("base"), tmp.resolve("subset")), List.of("T5-base", "T5-large (650)"),
                tmp.resolve("report").toString(), 100, 1, false));

        RunComparison c = result.content().comparisons().get(0);
        assertFalse(c.paired());
        assertTrue(c.note().contains("not the same sentences"), c.note());
        String html = Files.readString(tmp.resolve("report/report.html"));
        assertTrue(html.contains("class=\"warning\">not the same sentences"));
        assertTrue(html.contains("T5-large (650)"));
    }

    @Test
    void anEvaluateRunPairsWithAScoreRunOfTheSamePredictions() throws IOException {
        Path evaluate = evaluateFolderFrom(runs.resolve("base"), tmp.resolve("evaluate"));

        ReportJob.Result result = ReportJob.run(spark, new ReportJob.Options(
                List.of(runs.resolve("base"), evaluate), List.of(), tmp.resolve("report").toString(), 200, 5, false));

        var run = result.content().runs().get(1);
        assertEquals("dyyyyyyyy/GNER-T5-base", run.name());
        assertEquals(RunFolderReader.EVALUATE, run.kind());
        assertEquals(Integer.valueOf(1), run.summary().beams());
        assertEquals(12.5, run.summary().sentencesPerSecond());
        assertEquals(2, run.quality().get("mit-movie").truncated());
        RunComparison c = result.content().comparisons().get(0);
        assertTrue(c.paired(), String.valueOf(c.note()));
        assertEquals(0.0, c.average().low());
        assertEquals(0.0, c.average().high());
        String html = Files.readString(tmp.resolve("report/report.html"));
        assertTrue(html.contains("greedy, 1 beam") && html.contains(">12.50<"), "summary from run.json");
    }

    /**
     * An {@code evaluate}-shaped folder holding a score run's sentences: {@code predictions/} partitioned by
     * dataset with {@code order}, {@code truncated} (every 50th sentence) and {@code error}, and a run.json.
     */
    private static Path evaluateFolderFrom(Path score, Path target) throws IOException {
        spark.read().parquet(score.resolve("sentences").toString())
                .withColumn("order", org.apache.spark.sql.functions.col("line").minus(1))
                .withColumn("truncated", org.apache.spark.sql.functions.expr("line % 50 = 0"))
                .withColumn("error", org.apache.spark.sql.functions.lit(null).cast("string"))
                .drop("source_index", "source", "line")
                .write().partitionBy("dataset").parquet(target.resolve("predictions").toString());
        for (String part : List.of("metrics", "label_metrics")) {
            spark.read().parquet(score.resolve(part).toString()).write().parquet(target.resolve(part).toString());
        }
        Files.copy(score.resolve("metrics.json"), target.resolve("metrics.json"));
        Files.writeString(target.resolve("run.json"), "{\"job\": \"evaluate\", \"model\": {\"id\": "
                + "\"dyyyyyyyy/GNER-T5-base\"}, \"decoding\": {\"num_beams\": 1}, \"timing\": "
                + "{\"sentences_per_second\": 12.5, \"output_tokens_per_second\": 900.0}}");
        return target;
    }

    @Test
    void badInputNamesTheFolderAndWhatIsWrong() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> ReportJob.run(spark, new ReportJob.Options(
                List.of(empty), List.of(), tmp.resolve("r").toString(), 10, 1, false)));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("sentences/"), e.getMessage());

        var missing = assertThrows(IllegalArgumentException.class, () -> ReportJob.run(spark, new ReportJob.Options(
                List.of(tmp.resolve("nope")), List.of(), tmp.resolve("r").toString(), 10, 1, false)));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());

        var twice = assertThrows(IllegalArgumentException.class, () -> ReportJob.run(spark, new ReportJob.Options(
                List.of(runs.resolve("base"), runs.resolve("base")), List.of(), tmp.resolve("r").toString(), 10, 1,
                false)));
        assertTrue(twice.getMessage().contains("--name"), twice.getMessage());

        var overRun = assertThrows(IllegalArgumentException.class, () -> ReportJob.run(spark, new ReportJob.Options(
                List.of(runs.resolve("base")), List.of(), runs.toString(), 10, 1, true)));
        assertTrue(overRun.getMessage().contains("holds the run folder"), overRun.getMessage());
        assertTrue(Files.exists(runs.resolve("base/metrics.json")));
    }
}
