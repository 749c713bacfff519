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
        return RowFactory.create(row, id, s.index(), sentence.start(), sentence.end(),
                ScoredSentenceSchema.scalaSeq(sentence.wordTexts().toArray()),
                ok ? ScoredSentenceSchema.scalaSeq(s.wordLabels().toArray()) : null,
                ok ? entityRows(s.entities()) : null, result.text(),
                ok ? s.matchKind().name().toLowerCase(Locale.ROOT) : null, result.inputIds().length,
                result.outputTokens(), result.truncated(), s.error(), result.decoderPasses(), result.acceptedDrafts(),
                ok ? entityRows(s.lowConfidence()) : null);
    }

    private static Object entityRows(List<EntityAnnotation> entities) {
        return ScoredSentenceSchema.scalaSeq(entities.stream().map(e -> RowFactory.create(e.text(), e.label(),
                e.start(), e.end(), e.wordStart(), e.wordEnd(), e.confidence())).toArray());
    }

    /** The one row of an input row without sentences: empty, or failed with {@code error}. */
    static Row noSentence(long row, String id, String error) {
        Object empty = ScoredSentenceSchema.scalaSeq(new Object[0]);
        return RowFactory.create(row, id, 0, 0, 0, empty, error == null ? empty : null, error == null ? empty : null,
                null, null, 0, 0, false, error, 0, 0, error == null ? empty : null);
    }
}
