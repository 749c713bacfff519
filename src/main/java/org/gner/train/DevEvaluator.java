package org.gner.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.gner.data.GnerRecord;
import org.gner.data.NerSentence;
import org.gner.generate.Generated;
import org.gner.generate.GenerationConfig;
import org.gner.generate.Guidance;
import org.gner.generate.OutputAutomaton;
import org.gner.generate.Generator;
import org.gner.metrics.MetricsAccumulator;
import org.gner.metrics.PredictionScorer;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelTokenizer;
import org.gner.prompt.GnerExample;
import org.gner.structure.WordNormalizer;

/**
 * Greedy generation on dev examples, scored as GNER's evaluator scores them: free, or constrained
 * to each sentence's words and labels (how a model trained on label choices alone is used).
 */
public final class DevEvaluator {
    private static final int BATCH = 16;

    private final ModelTokenizer tokenizer;
    private final PredictionScorer scorer;
    private final int maxNewTokens;
    private final Guidance guidance;

    public DevEvaluator(ModelTokenizer tokenizer, WordNormalizer normalizer, int maxNewTokens) {
        this(tokenizer, normalizer, maxNewTokens, Guidance.Decoding.FREE);
    }

    public DevEvaluator(ModelTokenizer tokenizer, WordNormalizer normalizer, int maxNewTokens,
            Guidance.Decoding decoding) {
        this.tokenizer = tokenizer;
        this.scorer = new PredictionScorer(normalizer);
        this.maxNewTokens = maxNewTokens;
        this.guidance = new Guidance(decoding, Guidance.Draft.INPUT, 0, true);
    }

    /** How the dev sentences are decoded. */
    public Guidance.Decoding decoding() {
        return guidance.decoding();
    }

    /** The generated text of each example, in order (batched by prompt length). */
    public List<String> predict(GenerativeModel model, List<TokenizedExample> examples) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> examples.get(i).prompt().length));
        String[] out = new String[examples.size()];
        Generator generator = new Generator();
        for (int from = 0; from < order.size(); from += BATCH) {
            List<Integer> batch = order.subList(from, Math.min(order.size(), from + BATCH));
            List<long[]> prompts = batch.stream().map(i -> examples.get(i).prompt()).toList();
            List<OutputAutomaton> automata = batch.stream().map(i -> automaton(model, examples.get(i))).toList();
            List<Generated> generated = generator.generate(model, prompts, GenerationConfig.greedy(maxNewTokens),
                    automata, guidance);
            for (int j = 0; j < batch.size(); j++) {
                out[batch.get(j)] = tokenizer.decode(generated.get(j).tokens());
            }
        }
        return List.of(out);
    }

    private OutputAutomaton automaton(GenerativeModel model, TokenizedExample e) {
        if (e.example().words().isEmpty()) {
            return null;
        }
        return OutputAutomaton.build(e.example().words(), e.example().labelList(), tokenizer::spell,
                model.spec().eosTokenId());
    }

    /** Per-dataset GNER P/R/F1 of the model's greedy outputs. */
    public MetricsAccumulator evaluate(GenerativeModel model, List<TokenizedExample> examples) {
        List<String> predictions = predict(model, examples);
        MetricsAccumulator metrics = new MetricsAccumulator();
        for (int i = 0; i < examples.size(); i++) {
            GnerExample e = examples.get(i).example();
            GnerRecord record = new GnerRecord(e.dataset(), e.split(), e.labelList(),
                    new NerSentence(e.id(), e.words(), e.labels()), e.prompt(), e.target(), predictions.get(i), null);
            PredictionScorer.ScoredPrediction scored = scorer.score(record);
            metrics.add(scored.dataset(), scored.score(), scored.structured().matchKind());
        }
        return metrics;
    }
}
