package org.gner.cli;

import org.gner.generate.DecodingOptions;
import picocli.CommandLine.Option;

/** Decoding and batching options shared by generate, evaluate and annotate. */
final class DecodingMixin {
    @Option(names = "--max-new-tokens", defaultValue = "640", paramLabel = "<n>",
            description = "Most tokens generated per prompt (default: ${DEFAULT-VALUE}, GNER's).")
    int maxNewTokens;

    @Option(names = "--num-beams", defaultValue = "1", paramLabel = "<k>",
            description = "1 for greedy search (GNER's default), more for beam search.")
    int numBeams;

    @Option(names = "--batch-tokens", defaultValue = "8192", paramLabel = "<n>",
            description = "Budget of one batch in padded prompt tokens: rows x longest prompt x beams"
                    + " (default: ${DEFAULT-VALUE}). Prompts are sorted by length before batching.")
    int batchTokens;

    @Option(names = "--max-input-tokens", defaultValue = "0", paramLabel = "<n>",
            description = "Longest prompt fed to the model; longer ones are cut at the end (special tokens kept)"
                    + " and flagged. 0: 640 for T5 (GNER's), max_position_embeddings - max-new-tokens for LLaMA.")
    int maxInputTokens;

    DecodingOptions toOptions(int maxBatchRows) {
        return new DecodingOptions(maxNewTokens, numBeams, batchTokens, maxBatchRows, maxInputTokens);
    }
}
