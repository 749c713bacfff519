package org.gner.spark;

import java.io.Serializable;
import org.gner.generate.DecodingOptions;

/**
 * What every executor task needs to generate: the model as the user named it (each executor resolves
 * it itself), the digest the driver computed (so all executors provably run the same checkpoint),
 * device, dtype and decoding settings.
 *
 * @param failOnceAtPartition test hook: the first attempt of this partition fails part-way (-1: never)
 */
public record GenerationSpec(String model, String digest, String device, String dtype, DecodingOptions decoding,
        int failOnceAtPartition) implements Serializable {}
