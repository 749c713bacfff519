package org.gner.cli;

import picocli.CommandLine.Option;

/** Where a model runs: every command that runs one (generate, evaluate, annotate, train). */
class DeviceOption {

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
            description = "Where the model runs (default: ${DEFAULT-VALUE}). In Spark jobs, gpu takes the GPU Spark"
                    + " assigned each task.")
    String device;
}
