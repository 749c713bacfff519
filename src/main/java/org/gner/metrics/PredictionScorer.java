package org.gner.metrics;

import java.util.List;
import org.gner.data.GnerRecord;
import org.gner.structure.PredictionStructurer;
import org.gner.structure.StructuredPrediction;
import org.gner.structure.WordNormalizer;

/**
 * Scores one GNER prediction record the way GNER's evaluator walks them: structure the generated
 * text onto the words, then count entities against the gold labels. Thread-safe when its
 * normalizer is.
 */
public final class PredictionScorer {
    private final PredictionStructurer structurer;
    private final SentenceScorer scorer = new SentenceScorer();

    public PredictionScorer(WordNormalizer normalizer) {
        this.structurer = new PredictionStructurer(normalizer);
    }

    /** The structured prediction and its counts; a record without a prediction is an error. */
    public ScoredPrediction score(GnerRecord record) {
        if (record.prediction() == null) {
            throw new IllegalArgumentException("record has no 'prediction' field");
        }
        List<String> words = record.instance().words();
        StructuredPrediction structured = structurer.structure(words, record.labelList(), record.prediction());
        SentenceScore score = scorer.score(words, record.instance().labels(), structured.labels());
        return new ScoredPrediction(record.dataset(), structured, score);
    }

    /** Scores and sums records in order. */
    public MetricsAccumulator scoreAll(Iterable<GnerRecord> records, MetricsAccumulator into) {
        for (GnerRecord record : records) {
            ScoredPrediction s = score(record);
            into.add(s.dataset(), s.score(), s.structured().matchKind());
        }
        return into;
    }

    public record ScoredPrediction(String dataset, StructuredPrediction structured, SentenceScore score) {}
}
