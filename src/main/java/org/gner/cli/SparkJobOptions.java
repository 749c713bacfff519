package org.gner.cli;

import picocli.CommandLine.Option;

/** Output and Spark options shared by the Spark jobs (score, evaluate, annotate). */
final class SparkJobOptions {

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output folder.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output folder.")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "<url>",
            description = "Spark master; default: the one spark-submit set, else local[*].")
    String master;
}
