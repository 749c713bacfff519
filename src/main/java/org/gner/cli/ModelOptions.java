package org.gner.cli;

import org.gner.model.ShippedModel;
import picocli.CommandLine.Option;

/** The model options shared by generate, evaluate and annotate (--device from {@link DeviceOption}). */
final class ModelOptions extends DeviceOption {
    /** The small model trained here and shipped in models/; jobs/gner sets gner.home to the project folder. */
    static final String SHIPPED_MODEL = "${sys:gner.home:-.}/" + ShippedModel.FOLDER;

    @Option(names = "--model", defaultValue = SHIPPED_MODEL, paramLabel = "<dir|hub id>",
            description = "HF model folder (config.json, tokenizer.json, safetensors) or hub id org/name[@rev];"
                    + " T5 or LLaMA by its model_type (default: the shipped model, ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dtype", defaultValue = "fp32", paramLabel = "fp32|fp16",
            description = "Compute precision (default: ${DEFAULT-VALUE}); bf16 checkpoints are widened on load.")
    String dtype;
}
