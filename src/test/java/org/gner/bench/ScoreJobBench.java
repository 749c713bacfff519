package org.gner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.gner.spark.MetricsReport;
import org.gner.spark.ScoreJob;
import org.gner.testing.LocalFileReads;
import org.gner.testing.SharedData;

/**
 * End-to-end {@code score} job throughput in Spark {@code local[N]}: the three real prediction files
 * repeated to >= 100k lines, read, scored with the Flan-T5 back-tokenizer, reduced and written as
 * Parquet + JSON. Spark and JVM start-up are excluded; each round is a whole job.
 *
 * <p>Arguments: [minSentences=100000] [master=local[2]] [rounds=3].
 */
public final class ScoreJobBench {
    private ScoreJobBench() {}

    public static void main(String[] args) throws Exception {
        int minSentences = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String master = args.length > 1 ? args[1] : "local[2]";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        List<String> distinct = new ArrayList<>();
        for (String run : List.of("gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100")) {
            distinct.addAll(Files.readAllLines(SharedData.path("predictions/" + run + "/predictions.jsonl")));
        }
        List<String> lines = new ArrayList<>();
        while (lines.size() < minSentences) {
            lines.addAll(distinct);
        }
        Path dir = Files.createTempDirectory("gner-score-bench");
        Path input = Files.write(dir.resolve("predictions.jsonl"), lines);
        System.out.printf("input: %,d lines (%.1f MB), master %s%n", lines.size(), Files.size(input) / 1e6, master);

        SparkSession spark = SparkSession.builder().master(master).appName("score-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        try {
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                long readBefore = LocalFileReads.bytesRead();
                MetricsReport report = ScoreJob.run(spark, new ScoreJob.Options(input.toString(),
                        SharedData.flanT5Tokenizer(), dir.resolve("out").toString(), true, false));
                double seconds = (System.nanoTime() - start) / 1e9;
                double passes = (LocalFileReads.bytesRead() - readBefore) / (double) Files.size(input);
                System.out.printf("round %d: %.2f s, %,.0f sentences/s (whole job incl. Parquet/JSON output), "
                        + "average F1 %.6f, local bytes read %.2f x the input%n", round, seconds,
                        lines.size() / seconds, report.averageF1(), passes);
            }
        } finally {
            spark.stop();
        }
    }
}
