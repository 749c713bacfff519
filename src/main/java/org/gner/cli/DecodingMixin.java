package org.gner.cli;

import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
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

    @Option(names = "--decoding", paramLabel = "free|constrained",
            description = "free: GNER's own decoding. constrained: every input word comes back in order and the model"
                    + " only picks each word's label (HF prefix_allowed_tokens_fn semantics; changes GNER's outputs,"
                    + " no subsequence/LCS matching needed). Constrained greedy computes the vocabulary head only for"
                    + " the allowed tokens of each label choice (none at forced tokens); free decoding and beam search"
                    + " need the whole head. Default: the model folder's generation_config.json \"gner_decoding\","
                    + " else free.")
    String decodingMode;

    @Option(names = "--draft", defaultValue = "input", paramLabel = "input|none",
            description = "input: lossless speculative decoding, drafts from the input words and labels verified in"
                    + " one pass (output identical to plain greedy); none: one token per pass (constrained decoding"
                    + " still feeds forced runs as one block). Beam search always decodes without drafts"
                    + " (default: ${DEFAULT-VALUE}).")
    String draft;

    @Option(names = "--draft-tokens", defaultValue = "0", paramLabel = "<k>",
            description = "Most draft tokens verified per pass; 0 picks k from the batch size: 16 up to 2 rows, 8 up"
                    + " to 8, else 4 (constrained: 8). Each row's guesses adapt within k: two more after a fully"
                    + " accepted draft, half after one rejected at its first guess, none after two such passes in a"
                    + " row (the row then tries one token after 8 passes, twice as long after each failed try)"
                    + " (default: ${DEFAULT-VALUE}).")
    int draftTokens;

    @Option(names = "--o-bias", paramLabel = "<b>",
            description = "Constrained decoding: subtract b from the logit of O at every label choice (a small"
                    + " model says O too often), in greedy and beam search (before the log-softmax). Default: the model folder's generation_config.json \"gner_o_bias\","
                    + " else 0.")
    Double outsideBias;

    /**
     * One line on stderr when {@code --decoding free} asks a model for the decoding its
     * generation_config.json says it is not meant for (the shipped model is trained for constrained
     * decoding only and writes garbage in free decoding). Nothing when the model cannot be inspected here:
     * the job reports that itself.
     */
    void warnIfAgainst(String model) {
        if (decodingMode == null || Guidance.Decoding.parse(decodingMode) != Guidance.Decoding.FREE) {
            return;
        }
        try {
            java.nio.file.Path dir = org.gner.model.load.ModelLoader.inspect(model).dir();
            String meant = org.gner.model.ModelConfigs.GenerationDefaults.read(dir).gnerDecoding().orElse("free");
            if (meant.equalsIgnoreCase("constrained")) {
                System.err.println("warning: " + model + " is meant for constrained decoding (its"
                        + " generation_config.json says \"gner_decoding\": \"constrained\"); with --decoding free it"
                        + " may write no usable output");
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the job names the problem with the model
        }
    }

    DecodingOptions toOptions(int maxBatchRows) {
        Guidance guidance = new Guidance(decodingMode == null ? null : Guidance.Decoding.parse(decodingMode),
                Guidance.Draft.parse(draft), draftTokens, true, outsideBias == null ? Double.NaN : outsideBias);
        return new DecodingOptions(maxNewTokens, numBeams, batchTokens, maxBatchRows, maxInputTokens, guidance);
    }
}
