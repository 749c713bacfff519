package org.gner.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.gner.spark.MetricsOutput;
import org.gner.spark.MetricsReport;
import org.gner.spark.ScoreJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score GNER prediction JSONL exactly as GNER's evaluate.py does, as a Spark job.",
                "Writes metrics/ and label_metrics/ (Parquet), metrics.json and errors/ under --output."})
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    SparkJobOptions job;

    @Option(names = "--predictions", required = true, paramLabel = "<jsonl>",
            description = "GNER prediction JSONL file, or a folder of them (any Hadoop file system).")
    String predictions;

    @Option(names = "--tokenizer", paramLabel = "<tokenizer.json|model dir>",
            description = "The model's tokenizer, for GNER's back-tokenization of gold words. Without it words"
                    + " are compared as they are.")
    Path tokenizer;

    @Option(names = "--fail-on-error",
            description = "Fail on the first malformed record instead of writing it to errors/.")
    boolean failOnError;

    @Override
    public Integer call() {
        MetricsReport report = job.inSession("gner score", spark -> ScoreJob.run(spark,
                new ScoreJob.Options(predictions, tokenizer, job.output, job.overwrite, failOnError)));
        MetricsOutput.printTable(report, System.out);
        return 0;
    }
}
