package org.gner.cli;

import picocli.CommandLine.Option;

/** The model options shared by generate, evaluate and annotate. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "<dir|hub id>",
            description = "HF model folder (config.json, tokenizer.json, safetensors) or hub id org/name[@rev];"
                    + " T5 or LLaMA by its model_type.")
    String model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
            description = "Where the model runs (default: ${DEFAULT-VALUE}). In Spark jobs, gpu takes the GPU Spark"
                    + " assigned each task.")
    String device;

    @Option(names = "--dtype", defaultValue = "fp32", paramLabel = "fp32|fp16",
            description = "Compute precision (default: ${DEFAULT-VALUE}); bf16 checkpoints are widened on load.")
    String dtype;
}
