package org.gner.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.Row;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.metrics.PredictionScorer;
import org.gner.structure.WordNormalizer;

/**
 * Executor side of {@code score}: parses GNER prediction lines, structures each prediction onto its
 * words and counts entities. A line that cannot be parsed or scored becomes an error row naming its
 * line; nothing is dropped.
 */
final class PredictionScoring implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int sourceIndex;
    private final String source;
    /** File name registered with {@code SparkContext.addFile}, or null to compare words as they are. */
    private final String tokenizerFileName;

    PredictionScoring(int sourceIndex, String source, String tokenizerFileName) {
        this.sourceIndex = sourceIndex;
        this.source = source;
        this.tokenizerFileName = tokenizerFileName;
    }

    /**
     * Scores the lines of one split (a partition of the file). Rows carry the split and the line number
     * within it (1-based); {@link SplitLineNumbers} turns that into the file's line number.
     */
    Iterator<Row> scoreSplit(int split, Iterator<String> lines) {
        WordNormalizer normalizer = tokenizerFileName == null
                ? WordNormalizer.IDENTITY
                : JvmTokenizers.backTokenizer(Path.of(SparkFiles.get(tokenizerFileName)));
        PredictionScorer scorer = new PredictionScorer(normalizer);
        return new Iterator<>() {
            private long lineInPartition;

            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public Row next() {
                return scoreLine(scorer, split, lines.next(), ++lineInPartition);
            }
        };
    }

    private Row scoreLine(PredictionScorer scorer, int split, String text, long lineNumber) {
        GnerRecord record;
        try {
            record = GnerJsonl.parse(text);
        } catch (RuntimeException e) {
            return ScoredSentenceSchema.failed(sourceIndex, source, split, lineNumber, null, e.getMessage());
        }
        try {
            PredictionScorer.ScoredPrediction s = scorer.score(record);
            return ScoredSentenceSchema.scored(sourceIndex, source, split, lineNumber, record.instance(), s.dataset(),
                    s.structured(), s.score());
        } catch (RuntimeException e) {
            return ScoredSentenceSchema.failed(sourceIndex, source, split, lineNumber, record.dataset(), e.getMessage());
        }
    }
}
