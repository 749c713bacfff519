package org.gner.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.gner.model.ModelConfigs;

/** The temperature of a model's label-decision logits: its generation_config.json's, else 1. */
public final class LabelTemperature {
    private LabelTemperature() {}

    public static double of(Path modelDir) {
        try {
            return ModelConfigs.GenerationDefaults.read(modelDir).gnerLabelTemperature().orElse(1.0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDir.resolve("generation_config.json") + ": "
                    + e.getMessage(), e);
        }
    }
}
