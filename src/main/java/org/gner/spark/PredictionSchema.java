package org.gner.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.gner.generate.PromptResult;
import org.gner.metrics.LabelCount;
import org.gner.metrics.PredictionScorer.ScoredPrediction;

/**
 * {@code evaluate}'s {@code predictions/}: one row per sentence, the model's output next to the gold
 * labels and the per-sentence counts the metrics are summed from. Generation or scoring failures
 * leave {@code prediction} (or the structured columns) and the counts null and set {@code error}.
 */
final class PredictionSchema {
    /**
     * An entity GNER's scorer counts (before its de-duplication): words {@code [word_start, word_end)}
     * joined by spaces, the type, its confidence (null where the words' labels have no probability) and
     * whether it is one of the sentence's gold entities (normalized as GNER compares them).
     */
    static final StructType PREDICTED_ENTITY = createStructType(List.of(
            createStructField("text", StringType, false),
            createStructField("label", StringType, false),
            createStructField("word_start", IntegerType, false),
            createStructField("word_end", IntegerType, false),
            createStructField("confidence", DoubleType, true),
            createStructField("gold", BooleanType, false)));

    static final StructType SCHEMA = createStructType(List.of(
            createStructField("order", LongType, false),
            createStructField("dataset", StringType, false),
            createStructField("split", StringType, false),
            createStructField("id", StringType, false),
            createStructField("words", createArrayType(StringType, false), false),
            createStructField("labels", createArrayType(StringType, false), false),
            createStructField("label_list", createArrayType(StringType, false), false),
            createStructField("prompt", StringType, false),
            createStructField("target", StringType, false),
            createStructField("prediction", StringType, true),
            createStructField("predicted_labels", createArrayType(StringType, false), true),
            createStructField("match_kind", StringType, true),
            createStructField("input_ids", createArrayType(IntegerType, false), false),
            createStructField("prompt_tokens", IntegerType, false),
            createStructField("input_tokens", IntegerType, false),
            createStructField("output_tokens", IntegerType, false),
            createStructField("truncated", BooleanType, false),
            createStructField("error", StringType, true),
            createStructField("correct", IntegerType, true),
            createStructField("predicted", IntegerType, true),
            createStructField("gold", IntegerType, true),
            createStructField("label_counts", createArrayType(ScoredSentenceSchema.LABEL_COUNT, false), true),
            createStructField("decoder_passes", IntegerType, false),
            createStructField("accepted_drafts", IntegerType, false),
            createStructField("predicted_entities", createArrayType(PREDICTED_ENTITY, false), true)));

    private PredictionSchema() {}

    /**
     * @param scored the scored prediction, or null when {@code error} is set
     * @param entities the predicted entities ({@link #entity} rows), or null when {@code error} is set
     */
    static Row row(EvaluationSentence input, PromptResult result, ScoredPrediction scored, List<Row> entities,
            String error) {
        long[] ids = result.inputIds();
        Object[] intIds = new Object[ids.length];
        for (int i = 0; i < ids.length; i++) {
            intIds[i] = (int) ids[i];
        }
        RowBuilder row = new RowBuilder(SCHEMA)
                .put("order", input.order())
                .put("dataset", input.dataset())
                .put("split", input.split())
                .put("id", input.id())
                .put("words", seq(input.words()))
                .put("labels", seq(input.labels()))
                .put("label_list", seq(input.labelList()))
                .put("prompt", input.prompt())
                .put("target", input.target())
                .put("prediction", result.text())
                .put("input_ids", ScoredSentenceSchema.scalaSeq(intIds))
                .put("prompt_tokens", result.promptTokens())
                .put("input_tokens", ids.length)
                .put("output_tokens", result.outputTokens())
                .put("truncated", result.truncated())
                .put("error", error)
                .put("decoder_passes", result.decoderPasses())
                .put("accepted_drafts", result.acceptedDrafts());
        if (scored != null) {
            List<LabelCount> perLabel = scored.score().perLabel();
            Object[] counts = new Object[perLabel.size()];
            for (int i = 0; i < counts.length; i++) {
                LabelCount c = perLabel.get(i);
                counts[i] = RowFactory.create(c.label(), c.correct(), c.predicted(), c.gold());
            }
            row.put("predicted_labels", seq(scored.structured().labels().toArray(new String[0])))
                    .put("match_kind", scored.structured().matchKind().name().toLowerCase(Locale.ROOT))
                    .put("correct", scored.score().correct())
                    .put("predicted", scored.score().predicted())
                    .put("gold", scored.score().gold())
                    .put("label_counts", ScoredSentenceSchema.scalaSeq(counts))
                    .put("predicted_entities", entities == null ? null : ScoredSentenceSchema.scalaSeq(entities.toArray()));
        }
        return row.build();
    }

    static Row entity(String text, String label, int wordStart, int wordEnd, Double confidence, boolean gold) {
        return RowFactory.create(text, label, wordStart, wordEnd, confidence, gold);
    }

    private static Object seq(String[] values) {
        return ScoredSentenceSchema.scalaSeq(values);
    }
}
