package org.gner.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.gner.model.LoadedModel;
import org.gner.model.ModelSpec;

/**
 * Prompts in, GNER prediction texts out: tokenize, cut to the input limit, batch by token budget
 * (length-sorted), generate, decode. Results come back in input order.
 *
 * <p>A batch that fails is retried prompt by prompt, so one bad prompt (or a batch too big for the
 * device) costs only its own result: that prompt gets an error, the others their text.
 * Thread-safe: concurrent runs share the model.
 */
public final class PromptRunner {
    private final LoadedModel model;
    private final DecodingOptions options;
    private final GenerationConfig config;
    private final InputLimit limit;
    private final Generator generator = new Generator();

    public PromptRunner(LoadedModel model, DecodingOptions options) {
        this.model = model;
        this.options = options;
        this.config = options.generationConfig();
        ModelSpec spec = model.spec();
        int max = InputLimit.effectiveMax(spec.encoderDecoder(), spec.maxPositions(), options.maxInputTokens(),
                options.maxNewTokens());
        this.limit = InputLimit.of(model.tokenizer(), max);
    }

    public int maxInputTokens() {
        return limit.maxTokens();
    }

    /**
     * Generates for every prompt.
     *
     * @param done told how many prompts each finished batch held (for progress)
     */
    public List<PromptResult> run(List<String> prompts, IntConsumer done) {
        int n = prompts.size();
        List<long[]> encoded = model.tokenizer().encodeBatch(prompts);
        long[][] inputs = new long[n][];
        int[] promptTokens = new int[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            promptTokens[i] = encoded.get(i).length;
            inputs[i] = limit.apply(encoded.get(i));
            lengths[i] = inputs[i].length;
        }
        PromptResult[] results = new PromptResult[n];
        for (int[] batch : TokenBatches.plan(lengths, options.batchTokens(), options.numBeams(),
                options.maxBatchRows(), true)) {
            runBatch(batch, inputs, promptTokens, results);
            done.accept(batch.length);
        }
        return Arrays.asList(results);
    }

    private void runBatch(int[] batch, long[][] inputs, int[] promptTokens, PromptResult[] results) {
        List<long[]> ids = new ArrayList<>(batch.length);
        for (int i : batch) {
            ids.add(inputs[i]);
        }
        List<long[]> generated;
        try {
            generated = generator.generate(model.model(), ids, config);
        } catch (RuntimeException e) {
            if (batch.length == 1) {
                results[batch[0]] = failure(inputs[batch[0]], promptTokens[batch[0]], e);
                return;
            }
            for (int i : batch) {
                runBatch(new int[] {i}, inputs, promptTokens, results);
            }
            return;
        }
        for (int k = 0; k < batch.length; k++) {
            int i = batch[k];
            try {
                String text = GenerationText.decode(model, inputs[i], generated.get(k));
                results[i] = new PromptResult(inputs[i], promptTokens[i], generated.get(k), text, null);
            } catch (RuntimeException e) {
                results[i] = failure(inputs[i], promptTokens[i], e);
            }
        }
    }

    private static PromptResult failure(long[] input, int promptTokens, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new PromptResult(input, promptTokens, null, null, "generation failed: " + message);
    }
}
