package org.gner.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.gner.annotate.AnnotatorOptions;
import org.gner.data.GnerRecord;
import org.gner.data.NerSentence;
import org.gner.generate.GuidedPrompt;
import org.gner.generate.PromptFormat;
import org.gner.generate.PromptResult;
import org.gner.generate.PromptRunner;
import org.gner.generate.Windowed;
import org.gner.metrics.Entity;
import org.gner.metrics.EntityConfidence;
import org.gner.metrics.EntityParser;
import org.gner.metrics.PredictionScorer;
import org.gner.metrics.PredictionScorer.ScoredPrediction;
import org.gner.model.LoadedModel;
import org.gner.structure.BackTokenizer;

/**
 * Executor side of {@code evaluate}: one partition of sentences through the JVM's shared model, a
 * window at a time (length-sorted, token-budget batches), then GNER's structuring and per-sentence
 * counts. The shuffle sorts each partition by input position and rows leave in that order, so a
 * retried task writes the same file.
 */
final class SentenceEvaluation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GenerationSpec spec;
    private final LongAccumulator done;
    private final CollectionAccumulator<String> loads;

    SentenceEvaluation(GenerationSpec spec, LongAccumulator done, CollectionAccumulator<String> loads) {
        this.spec = spec;
        this.done = done;
        this.loads = loads;
    }

    /** The partition's rows, sorted by their position by the shuffle, evaluated in windows of sentences. */
    Iterator<Row> evaluatePartition(Iterator<EvaluationSentence> input) {
        Iterator<Row> out = Windowed.map(input, AnnotatorOptions.DEFAULT_WINDOW_SENTENCES, r -> 1, this::evaluate);
        return FaultInjection.maybeFailAfter(out, 1, spec.failOnceAtPartition());
    }

    private List<Row> evaluate(List<EvaluationSentence> rows) {
        LoadedModel model = ExecutorModels.forTask(spec, loads);
        PromptFormat format = PromptFormat.of(model.spec());
        List<GuidedPrompt> prompts = rows.stream()
                .map(r -> new GuidedPrompt(format.wrap(r.prompt()), r.wordList(),
                        r.labelListList()))
                .toList();
        List<PromptResult> results = new PromptRunner(model, spec.decoding())
                .runGuided(prompts, n -> JobProgress.batchDone(done, n));
        JobProgress.decoded(results);
        PredictionScorer scorer = new PredictionScorer(
                BackTokenizer.shared(model.tokenizer()));
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(evaluated(rows.get(i), results.get(i), scorer));
        }
        return out;
    }

    private static Row evaluated(EvaluationSentence input, PromptResult result, PredictionScorer scorer) {
        if (result.failed()) {
            return PredictionSchema.row(input, result, null, null, result.error());
        }
        GnerRecord record = new GnerRecord(input.dataset(), input.split(), input.labelListList(),
                new NerSentence(input.id(), input.wordList(), input.labelsList()),
                null, null, result.text(), null);
        try {
            ScoredPrediction scored = scorer.score(record);
            return PredictionSchema.row(input, result, scored, predictedEntities(record, scored, result), null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return PredictionSchema.row(input, result, null, null, "scoring failed: " + message);
        }
    }

    /** The spans GNER's scorer counts, each with its confidence and whether it is gold. */
    private static List<Row> predictedEntities(GnerRecord record, ScoredPrediction scored, PromptResult result) {
        List<String> words = record.instance().words();
        Set<Entity> gold = new HashSet<>(EntityParser.parse(words, record.instance().labels()));
        double[] probabilities = result.wordLabelProbabilities(words.size());
        List<Row> out = new ArrayList<>();
        for (EntityParser.Span span : EntityParser.spans(words, scored.structured().labels())) {
            out.add(PredictionSchema.entity(String.join(" ", words.subList(span.wordStart(), span.wordEnd())),
                    span.type(), span.wordStart(), span.wordEnd(),
                    EntityConfidence.DEFAULT.of(probabilities, span.wordStart(), span.wordEnd()),
                    gold.contains(span.entity(words))));
        }
        return out;
    }
}
