package org.gner.testing;

import org.gner.metrics.MetricsAccumulator;
import org.gner.metrics.SentenceScore;
import org.gner.metrics.SentenceScorer;
import org.gner.structure.PredictionStructurer;
import org.gner.structure.StructuredPrediction;
import org.gner.structure.WordNormalizer;

import java.util.List;

/** Structure, score and accumulate prediction records, the way GNER's evaluator walks them. */
public final class RecordScoring {
    private final PredictionStructurer structurer;
    private final SentenceScorer scorer = new SentenceScorer();

    public RecordScoring(WordNormalizer normalizer) {
        this.structurer = new PredictionStructurer(normalizer);
    }

    public void add(PredictionRecord r, MetricsAccumulator into) {
        StructuredPrediction structured = structurer.structure(r.words(), r.labelList(), r.prediction());
        SentenceScore score = scorer.score(r.words(), r.labels(), structured.labels());
        into.add(r.dataset(), score, structured.matchKind());
    }

    public MetricsAccumulator scoreAll(List<PredictionRecord> records) {
        MetricsAccumulator accumulator = new MetricsAccumulator();
        for (PredictionRecord r : records) {
            add(r, accumulator);
        }
        return accumulator;
    }
}
