package org.gner.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.metrics.DatasetMetrics;
import org.gner.spark.MetricsOutput;
import org.gner.spark.MetricsReport;
import org.gner.spark.ReportJob;
import org.gner.spark.ScoreJob;
import org.gner.testing.SharedData;

/**
 * {@code report} on two large runs: the real GNER-T5-base and -large predictions are scored, their
 * {@code sentences/} repeated {@code factor} times (distinct ids and lines, so every copy is a sentence
 * of its own) with a consistent {@code metrics.json}, and the report job is timed on the two copies.
 *
 * <p>Arguments: [factor=143 (100,100 sentences per run)] [resamples=1000] [master=local[2]].
 */
public final class ReportBench {
    private ReportBench() {}

    public static void main(String[] args) throws Exception {
        int factor = args.length > 0 ? Integer.parseInt(args[0]) : 143;
        int resamples = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String master = args.length > 2 ? args[2] : "local[2]";
        Path dir = Files.createTempDirectory("gner-report-bench");
        SparkSession spark = SparkSession.builder().master(master).appName("report-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        List<Path> runs = new ArrayList<>();
        for (String model : List.of("base", "large")) {
            Path scored = dir.resolve(model + "-700");
            ScoreJob.run(spark, new ScoreJob.Options(
                    SharedData.path("predictions/gner-t5-" + model + "-dev100/predictions.jsonl").toString(),
                    SharedData.flanT5Tokenizer(), scored.toString(), false, false));
            runs.add(repeat(spark, scored, dir.resolve(model), factor));
        }
        System.out.printf("runs: %,d sentences each, %d resamples, master %s%n", 700 * factor, resamples, master);
        for (int round = 0; round < 2; round++) {
            Path out = dir.resolve("report");
            ReportJob.Result result = ReportJob.run(spark,
                    new ReportJob.Options(runs, List.of(), out.toString(), resamples, 1234, true));
            System.out.printf("round %d: report in %.1f s (%,d bytes of HTML)%n", round + 1, result.seconds(),
                    Files.size(out.resolve("report.html")));
        }
        spark.stop();
    }

    private static Path repeat(SparkSession spark, Path run, Path target, int factor) throws Exception {
        Dataset<Row> sentences = spark.read().parquet(run.resolve("sentences").toString());
        Dataset<Row> copies = spark.range(factor).toDF("copy");
        sentences.crossJoin(copies)
                .withColumn("line", col("line").plus(col("copy").multiply(1_000_000L)))
                .withColumn("id", concat(col("id"), lit("#"), col("copy").cast("string")))
                .drop("copy")
                .write().parquet(target.resolve("sentences").toString());
        for (String part : List.of("metrics", "label_metrics", "errors")) {
            spark.read().parquet(run.resolve(part).toString()).write().parquet(target.resolve(part).toString());
        }
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        List<DatasetMetrics> datasets = new ArrayList<>();
        for (JsonNode d : metrics.get("datasets")) {
            datasets.add(DatasetMetrics.of(d.get("dataset").asText(), factor * d.get("n_sentences").asLong(),
                    factor * d.get("n_correct").asLong(), factor * d.get("n_pred").asLong(),
                    factor * d.get("n_gold").asLong(), 0, 0));
        }
        Files.writeString(target.resolve("metrics.json"),
                MetricsOutput.json(new MetricsReport(datasets, List.of(), List.of(), 0)));
        return target;
    }
}
