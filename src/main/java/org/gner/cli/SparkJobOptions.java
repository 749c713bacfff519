package org.gner.cli;

import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.gner.spark.SparkSessions;
import picocli.CommandLine.Option;

/** Output and Spark options shared by the Spark jobs (score, evaluate, annotate). */
final class SparkJobOptions extends OutputOptions {

    @Option(names = "--master", paramLabel = "<url>",
            description = "Spark master; default: the one spark-submit set, else local[*].")
    String master;

    /** Runs {@code job} in a session on {@code --master} (or spark-submit's, or local[*]) and stops it. */
    <T> T inSession(String appName, Function<SparkSession, T> job) {
        SparkSession spark = SparkSessions.create(appName, master);
        try {
            return job.apply(spark);
        } finally {
            spark.stop();
        }
    }
}
