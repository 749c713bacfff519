package org.gner.cli;

import picocli.CommandLine.Mixin;

/** The options of every Spark job that runs a model (evaluate, annotate): output and master, model, decoding. */
abstract class ModelJobCommand {

    @Mixin
    SparkJobOptions job;

    @Mixin
    ModelOptions model;

    @Mixin
    DecodingMixin decoding;
}
