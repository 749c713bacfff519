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
import org.gner.annotate.EntityAnnotation;
import org.gner.annotate.SentenceAnnotation;
import org.gner.data.TextSentence;
import org.gner.generate.PromptResult;

/**
 * {@code annotate}'s {@code annotations/}: one row per sentence of every input row. Offsets are code
 * points into the input row's text ({@code text[start:end]} in Python, {@code substring(text, start + 1,
 * end - start)} in Spark SQL); {@code word_end} is exclusive. An input row without words, or one that
 * could not be read, still gets one row (sentence 0, no words, no entities; {@code error} says why
 * when there is a reason).
 */
final class AnnotationSchema {
    static final StructType ENTITY = createStructType(List.of(
            createStructField("text", StringType, false),
            createStructField("label", StringType, false),
            createStructField("start", IntegerType, false),
            createStructField("end", IntegerType, false),
            createStructField("word_start", IntegerType, false),
            createStructField("word_end", IntegerType, false),
            createStructField("confidence", DoubleType, true)));

    static final StructType SCHEMA = createStructType(List.of(
            createStructField("row", LongType, false),
            createStructField("id", StringType, true),
            createStructField("sentence", IntegerType, false),
            createStructField("start", IntegerType, false),
            createStructField("end", IntegerType, false),
            createStructField("words", createArrayType(StringType, false), false),
            createStructField("labels", createArrayType(StringType, false), true),
            createStructField("entities", createArrayType(ENTITY, false), true),
            createStructField("prediction", StringType, true),
            createStructField("match_kind", StringType, true),
            createStructField("input_tokens", IntegerType, false),
            createStructField("output_tokens", IntegerType, false),
            createStructField("truncated", BooleanType, false),
            createStructField("error", StringType, true),
            createStructField("decoder_passes", IntegerType, false),
            createStructField("accepted_drafts", IntegerType, false),
            createStructField("low_confidence_entities", createArrayType(ENTITY, false), true)));

    private AnnotationSchema() {}

    /** A sentence's row: its entities and low-confidence entities, or (when it failed) its error. */
    static Row sentence(long row, String id, SentenceAnnotation s) {
        PromptResult result = s.result();
        TextSentence sentence = s.sentence();
        boolean ok = !s.failed();
        return new RowBuilder(SCHEMA)
                .put("row", row)
                .put("id", id)
                .put("sentence", s.index())
                .put("start", sentence.start())
                .put("end", sentence.end())
                .put("words", ScoredSentenceSchema.scalaSeq(sentence.wordTexts().toArray()))
                .put("labels", ok ? ScoredSentenceSchema.scalaSeq(s.wordLabels().toArray()) : null)
                .put("entities", ok ? entityRows(s.entities()) : null)
                .put("prediction", result.text())
                .put("match_kind", ok ? s.matchKind().name().toLowerCase(Locale.ROOT) : null)
                .put("input_tokens", result.inputIds().length)
                .put("output_tokens", result.outputTokens())
                .put("truncated", result.truncated())
                .put("error", s.error())
                .put("decoder_passes", result.decoderPasses())
                .put("accepted_drafts", result.acceptedDrafts())
                .put("low_confidence_entities", ok ? entityRows(s.lowConfidence()) : null)
                .build();
    }

    private static Object entityRows(List<EntityAnnotation> entities) {
        return ScoredSentenceSchema.scalaSeq(entities.stream().map(e -> new RowBuilder(ENTITY)
                .put("text", e.text())
                .put("label", e.label())
                .put("start", e.start())
                .put("end", e.end())
                .put("word_start", e.wordStart())
                .put("word_end", e.wordEnd())
                .put("confidence", e.confidence())
                .build()).toArray());
    }

    /** The one row of an input row without sentences: empty, or failed with {@code error}. */
    static Row noSentence(long row, String id, String error) {
        Object empty = ScoredSentenceSchema.scalaSeq(new Object[0]);
        Object none = error == null ? empty : null;
        return new RowBuilder(SCHEMA)
                .put("row", row)
                .put("id", id)
                .put("sentence", 0)
                .put("start", 0)
                .put("end", 0)
                .put("words", empty)
                .put("labels", none)
                .put("entities", none)
                .put("input_tokens", 0)
                .put("output_tokens", 0)
                .put("truncated", false)
                .put("error", error)
                .put("decoder_passes", 0)
                .put("accepted_drafts", 0)
                .put("low_confidence_entities", none)
                .build();
    }
}
