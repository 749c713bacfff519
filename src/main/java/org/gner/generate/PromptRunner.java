package org.gner.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.gner.model.GenerativeModel;
import org.gner.model.LoadedModel;
import org.gner.model.ModelSpec;
import org.gner.model.ModelTokenizer;
import org.gner.prompt.PromptStructure;

/**
 * Prompts in, GNER prediction texts out: tokenize, cut to the input limit, batch by token budget
 * (length-sorted), generate, decode. Results come back in input order.
 *
 * <p>A batch that fails is retried prompt by prompt, so one bad prompt (or a batch too big for the
 * device) costs only its own result: that prompt gets an error, the others their text.
 * Thread-safe: concurrent runs share the model.
 */
public final class PromptRunner {
    private final GenerativeModel model;
    private final ModelTokenizer tokenizer;
    private final DecodingOptions options;
    private final GenerationConfig config;
    private final InputLimit limit;
    private final Generator generator = new Generator();
    private final double labelTemperature;
    private final PromptFormat format;

    public PromptRunner(LoadedModel model, DecodingOptions options) {
        this(model.model(), model.tokenizer(),
                options.withGuidance(options.guidance().resolvedFor(model.checkpoint().dir())),
                LabelTemperature.of(model.checkpoint().dir()));
    }

    /**
     * A runner over a model without a checkpoint folder (one in training).
     *
     * @param options decoding with its guidance resolved (free or constrained named)
     * @param labelTemperature what label-choice scores are divided by for the words' probabilities
     */
    public PromptRunner(GenerativeModel model, ModelTokenizer tokenizer, DecodingOptions options,
            double labelTemperature) {
        if (options.guidance().decoding() == null) {
            throw new IllegalArgumentException("decoding must be free or constrained here: no model folder to read"
                    + " the default from");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.config = options.generationConfig();
        ModelSpec spec = model.spec();
        int max = InputLimit.effectiveMax(spec.encoderDecoder(), spec.maxPositions(), options.maxInputTokens(),
                options.maxNewTokens());
        this.limit = InputLimit.of(tokenizer, max);
        this.labelTemperature = labelTemperature;
        this.format = PromptFormat.of(spec);
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
        return runGuided(prompts.stream().map(GuidedPrompt::of).toList(), done);
    }

    /**
     * Generates for every prompt, with its output automaton when the decoding uses one (built from
     * the words and labels given, else read from the GNER prompt text). Constrained decoding of a
     * prompt with neither gets that prompt an error; drafting just goes without.
     */
    public List<PromptResult> runGuided(List<GuidedPrompt> prompts, IntConsumer done) {
        return runEncoded(tokenizer.encodeBatch(prompts.stream().map(GuidedPrompt::prompt).toList()), prompts, done);
    }

    /**
     * {@link #runGuided} for prompts already tokenized ({@code encoded.get(i)} is {@code prompts.get(i)}'s
     * ids, special tokens included; the input limit still applies).
     */
    public List<PromptResult> runEncoded(List<long[]> encoded, List<GuidedPrompt> prompts, IntConsumer done) {
        int n = prompts.size();
        long[][] inputs = new long[n][];
        int[] promptTokens = new int[n];
        int[] lengths = new int[n];
        OutputAutomaton[] automata = new OutputAutomaton[n];
        PromptResult[] results = new PromptResult[n];
        List<Integer> runnable = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            promptTokens[i] = encoded.get(i).length;
            inputs[i] = limit.apply(encoded.get(i));
            lengths[i] = inputs[i].length;
            if (!options.guidance().usesAutomaton() && options.numBeams() == 1) {
                automata[i] = automatonIfAny(prompts.get(i)); // plain greedy: only for the words' label probabilities
            } else if (options.guidance().usesAutomaton()) {
                try {
                    automata[i] = automaton(prompts.get(i));
                } catch (RuntimeException e) {
                    results[i] = failure(inputs[i], promptTokens[i], e);
                    continue;
                }
                if (automata[i] == null && constrained()) {
                    results[i] = failure(inputs[i], promptTokens[i], new IllegalArgumentException(
                            "constrained decoding needs the sentence's words and labels, and the prompt is not a GNER"
                                    + " prompt (no 'Use the specific entity tags: ... and O.' and 'Sentence: ...')"));
                    continue;
                }
            }
            runnable.add(i);
        }
        int[] runnableLengths = runnable.stream().mapToInt(i -> lengths[i]).toArray();
        for (int[] planned : TokenBatches.plan(runnableLengths, options.batchTokens(), options.numBeams(),
                options.maxBatchRows(), true)) {
            int[] batch = Arrays.stream(planned).map(runnable::get).toArray();
            runBatch(batch, inputs, promptTokens, automata, results);
            done.accept(batch.length);
        }
        done.accept(n - runnable.size());
        return Arrays.asList(results);
    }

    private boolean constrained() {
        return options.guidance().decoding() == Guidance.Decoding.CONSTRAINED;
    }

    /** {@link #automaton}, or null when the prompt has none or it cannot be built. */
    private OutputAutomaton automatonIfAny(GuidedPrompt prompt) {
        try {
            return automaton(prompt);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private OutputAutomaton automaton(GuidedPrompt prompt) {
        List<String> words = prompt.wordsOrNull();
        List<String> labels = prompt.labelsOrNull();
        if (words == null || labels == null) {
            var parsed = PromptStructure.parse(prompt.prompt());
            if (parsed.isEmpty()) {
                return null;
            }
            words = parsed.get().words();
            labels = parsed.get().labels();
        }
        if (words.isEmpty()) {
            return null;
        }
        return OutputAutomaton.build(words, labels, tokenizer::spell, model.spec().eosTokenId());
    }

    private void runBatch(int[] batch, long[][] inputs, int[] promptTokens, OutputAutomaton[] automata,
            PromptResult[] results) {
        List<long[]> ids = new ArrayList<>(batch.length);
        List<OutputAutomaton> batchAutomata = new ArrayList<>(batch.length);
        for (int i : batch) {
            ids.add(inputs[i]);
            batchAutomata.add(automata[i]);
        }
        List<Generated> generated;
        try {
            generated = generator.generate(model, ids, config, batchAutomata, options.guidance());
        } catch (RuntimeException e) {
            if (batch.length == 1) {
                results[batch[0]] = failure(inputs[batch[0]], promptTokens[batch[0]], e);
                return;
            }
            for (int i : batch) {
                runBatch(new int[] {i}, inputs, promptTokens, automata, results);
            }
            return;
        }
        for (int k = 0; k < batch.length; k++) {
            int i = batch[k];
            Generated g = generated.get(k);
            try {
                String text = format.prediction(tokenizer, inputs[i], g.tokens());
                results[i] = new PromptResult(inputs[i], promptTokens[i], g.tokens(), text, null, g.decoderPasses(),
                        g.acceptedDrafts(), g.labelDecisions(), wordLabelProbabilities(automata[i], g));
            } catch (RuntimeException e) {
                results[i] = failure(inputs[i], promptTokens[i], e);
            }
        }
    }

    /** Per word, its label's probability where this decoding gives one (greedy with the sentence's automaton). */
    private double[] wordLabelProbabilities(OutputAutomaton automaton, Generated g) {
        if (automaton == null || options.numBeams() > 1) {
            return null;
        }
        return constrained() ? WordLabelProbabilities.constrained(automaton, g.tokens(), g.labelDecisions(),
                labelTemperature) : g.tokenLogProbs() == null ? null
                : WordLabelProbabilities.free(automaton, g.tokens(), g.tokenLogProbs());
    }

    private static PromptResult failure(long[] input, int promptTokens, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new PromptResult(input, promptTokens, null, null, "generation failed: " + message);
    }
}
