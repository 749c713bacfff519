package org.gner.model;

/**
 * What generation needs to know about a model, whatever its architecture.
 *
 * @param architecture "t5" or "llama" (HF {@code model_type})
 * @param encoderDecoder true for T5: prompts go to the encoder, outputs hold only generated ids
 * @param vocabSize rows of the output projection (may exceed the tokenizer's vocabulary)
 * @param eosTokenId generation stops for a sequence once it produced this id
 * @param padTokenId filler id for finished sequences and padding
 * @param decoderStartTokenId first decoder input of T5; -1 for decoder-only models
 * @param maxPositions the longest prompt the model accepts (0 when unbounded, as T5's relative
 *     positions are)
 */
public record ModelSpec(
        String architecture,
        boolean encoderDecoder,
        int vocabSize,
        long eosTokenId,
        long padTokenId,
        long decoderStartTokenId,
        int maxPositions) {}
