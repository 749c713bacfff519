package org.gner.train;

import java.util.List;
import org.gner.data.GnerRecord;
import org.gner.data.NerSentence;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
import org.gner.generate.GuidedPrompt;
import org.gner.generate.PromptResult;
import org.gner.generate.PromptRunner;
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

    /**
     * The generated text of each example, in order, through {@link PromptRunner} (length-sorted
     * token-budget batches, each sentence's automaton from its words and labels). A failed generation
     * stops the evaluation with its reason.
     */
    public List<String> predict(GenerativeModel model, List<TokenizedExample> examples) {
        PromptRunner runner = new PromptRunner(model, tokenizer, new DecodingOptions(maxNewTokens, 1,
                DecodingOptions.DEFAULT_BATCH_TOKENS, BATCH, 0, guidance), 1.0);
        List<PromptResult> results = runner.runEncoded(examples.stream().map(TokenizedExample::prompt).toList(),
                examples.stream().map(e -> new GuidedPrompt(e.example().prompt(), e.example().words(),
                        e.example().labelList())).toList(), n -> { });
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).failed()) {
                throw new IllegalStateException("dev example " + examples.get(i).example().id() + " of "
                        + examples.get(i).example().dataset() + ": " + results.get(i).error());
            }
        }
        return results.stream().map(PromptResult::text).toList();
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
