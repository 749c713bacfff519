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
     * @param input an {@link EvaluationInput} row
     * @param scored the scored prediction, or null when {@code error} is set
     * @param entities the predicted entities ({@link #entity} rows), or null when {@code error} is set
     */
    static Row row(Row input, PromptResult result, ScoredPrediction scored, List<Row> entities, String error) {
        Object[] v = new Object[SCHEMA.size()];
        for (int i = 0; i < 4; i++) {
            v[i] = input.get(i);
        }
        v[4] = seq((String[]) input.get(4));
        v[5] = seq((String[]) input.get(5));
        v[6] = seq((String[]) input.get(6));
        v[7] = input.getString(7);
        v[8] = input.getString(8);
        v[9] = result.text();
        long[] ids = result.inputIds();
        Object[] intIds = new Object[ids.length];
        for (int i = 0; i < ids.length; i++) {
            intIds[i] = (int) ids[i];
        }
        v[12] = ScoredSentenceSchema.scalaSeq(intIds);
        v[13] = result.promptTokens();
        v[14] = ids.length;
        v[15] = result.outputTokens();
        v[16] = result.truncated();
        v[17] = error;
        v[22] = result.decoderPasses();
        v[23] = result.acceptedDrafts();
        if (scored != null) {
            v[10] = seq(scored.structured().labels().toArray(new String[0]));
            v[11] = scored.structured().matchKind().name().toLowerCase(Locale.ROOT);
            v[18] = scored.score().correct();
            v[19] = scored.score().predicted();
            v[20] = scored.score().gold();
            List<LabelCount> perLabel = scored.score().perLabel();
            Object[] counts = new Object[perLabel.size()];
            for (int i = 0; i < counts.length; i++) {
                LabelCount c = perLabel.get(i);
                counts[i] = RowFactory.create(c.label(), c.correct(), c.predicted(), c.gold());
            }
            v[21] = ScoredSentenceSchema.scalaSeq(counts);
            v[24] = entities == null ? null : ScoredSentenceSchema.scalaSeq(entities.toArray());
        }
        return RowFactory.create(v);
    }

    static Row entity(String text, String label, int wordStart, int wordEnd, Double confidence, boolean gold) {
        return RowFactory.create(text, label, wordStart, wordEnd, confidence, gold);
    }

    private static Object seq(String[] values) {
        return ScoredSentenceSchema.scalaSeq(values);
    }
}
