package org.gner.model;

import java.nio.file.Path;

/**
 * What the driver needs to know about a checkpoint without loading its weights.
 *
 * @param dir the local model folder
 * @param modelType "t5" or "llama"
 * @param digest the checkpoint digest of the folder (SHA-256 of its configs, tokenizer and safetensors headers)
 * @param maxPositions the longest sequence the model accepts (LLaMA's max_position_embeddings; 0 for
 *     T5, whose relative positions have no limit)
 */
public record CheckpointInfo(Path dir, String modelType, String digest, int maxPositions) {

    public boolean encoderDecoder() {
        return modelType.equals("t5");
    }
}
