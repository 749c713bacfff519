package org.gner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gner.generate.PromptFileGeneration;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.load.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Run a GNER model over prompts, without Spark.",
                "Input lines: {\"id\", \"prompt\"}. Output lines, in input order: {\"id\", \"prompt\", \"input_ids\","
                        + " \"token_ids\", \"generation\"} (token_ids: generated ids only, EOS included when"
                        + " produced), plus \"truncated\": true for a cut prompt, \"error\" for a failed one."
                        + " For a GNER prompt decoded greedily, \"word_label_probabilities\": per word of its sentence,"
                        + " the probability of the label the model gave it (constrained: the softmax over the allowed"
                        + " tokens at each branch of the label's spelling, at the model's gner_label_temperature;"
                        + " free: the full softmax of the label's tokens; null for a word the output did not spell)."})
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    DecodingMixin decoding;

    @Option(names = "--input", required = true, paramLabel = "<prompts.jsonl>", description = "Prompt JSONL file.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "<out.jsonl>", description = "Output JSONL file.")
    Path output;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "<n>",
            description = "Most prompts per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--overwrite", description = "Replace an existing output file.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        decoding.warnIfAgainst(model.model);
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("output " + output + " already exists (use --overwrite)");
        }
        long started = System.nanoTime();
        try (LoadedModel loaded = ModelLoader.load(model.model, RuntimeOptions.parse(model.device, model.dtype))) {
            long prompts = PromptFileGeneration.run(loaded, input, output, decoding.toOptions(batchSize),
                    done -> System.err.printf(Locale.ROOT, "gner generate: %d prompts done%n", done));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.err.printf(Locale.ROOT, "gner generate: %d prompts in %.1f s (%.2f prompts/s) -> %s%n", prompts,
                    seconds, prompts / seconds, output);
        }
        return 0;
    }
}
