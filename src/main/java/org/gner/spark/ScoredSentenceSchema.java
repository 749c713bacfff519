package org.gner.spark;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.gner.data.NerSentence;
import org.gner.metrics.LabelCount;
import org.gner.metrics.SentenceScore;
import org.gner.structure.StructuredPrediction;

/**
 * Per-sentence scoring rows, the unit that executors produce and the reducers sum: one row per input
 * record, with {@code error} set (and no sentence or counts) when the record could not be scored.
 * The scored rows, less {@code error}, are {@code score}'s {@code sentences/} output.
 */
final class ScoredSentenceSchema {
    static final StructType LABEL_COUNT = createStructType(List.of(
            createStructField("label", StringType, false),
            createStructField("correct", IntegerType, false),
            createStructField("predicted", IntegerType, false),
            createStructField("gold", IntegerType, false)));

    static final StructType SCHEMA = createStructType(List.of(
            createStructField("source_index", IntegerType, false),
            createStructField("source", StringType, false),
            createStructField("line", LongType, false),
            createStructField("dataset", StringType, true),
            createStructField("id", StringType, true),
            createStructField("words", createArrayType(StringType, false), true),
            createStructField("labels", createArrayType(StringType, false), true),
            createStructField("predicted_labels", createArrayType(StringType, false), true),
            createStructField("correct", IntegerType, true),
            createStructField("predicted", IntegerType, true),
            createStructField("gold", IntegerType, true),
            createStructField("match_kind", StringType, true),
            createStructField("label_counts", createArrayType(LABEL_COUNT, false), true),
            createStructField("error", StringType, true)));

    /**
     * What executors produce: {@link #SCHEMA} with {@code line} counted within the row's split (a
     * partition of its file), and that split's index, until {@link SplitLineNumbers} numbers the file.
     */
    static final StructType SCORING = SCHEMA.add("split", IntegerType, false);

    private ScoredSentenceSchema() {}

    static Row scored(int sourceIndex, String source, int split, long line, NerSentence sentence, String dataset,
            StructuredPrediction structured, SentenceScore score) {
        Row[] labels = new Row[score.perLabel().size()];
        for (int i = 0; i < labels.length; i++) {
            LabelCount c = score.perLabel().get(i);
            labels[i] = RowFactory.create(c.label(), c.correct(), c.predicted(), c.gold());
        }
        return RowFactory.create(sourceIndex, source, line, dataset, sentence.id(),
                scalaSeq(sentence.words().toArray()), scalaSeq(sentence.labels().toArray()),
                scalaSeq(structured.labels().toArray()), score.correct(), score.predicted(), score.gold(),
                structured.matchKind().name().toLowerCase(java.util.Locale.ROOT), scalaSeq(labels), null, split);
    }

    /** Spark's Row encoder takes a Scala Seq for array columns, not a java.util.List. */
    static scala.collection.immutable.Seq<Object> scalaSeq(Object[] values) {
        return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(values)).toList();
    }

    static Row failed(int sourceIndex, String source, int split, long line, String datasetOrNull, String reason) {
        return RowFactory.create(sourceIndex, source, line, datasetOrNull, null, null, null, null, null, null, null,
                null, null, reason, split);
    }
}
