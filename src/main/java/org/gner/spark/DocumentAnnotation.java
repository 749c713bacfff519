package org.gner.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.gner.annotate.Annotated;
import org.gner.annotate.AnnotatorOptions;
import org.gner.annotate.SentenceAnnotation;
import org.gner.annotate.TextAnnotation;
import org.gner.annotate.TextAnnotator;
import org.gner.annotate.TextInput;
import org.gner.generate.MappedIterator;
import scala.Tuple2;

/**
 * Executor side of {@code annotate}: each document through the core {@link TextAnnotator}, one output
 * row per sentence ({@link AnnotationSchema}). Input rows are {@code (id, text, error, extra...)} keyed
 * by their input row number, sorted by it within the partition; the extra fields are copied onto each
 * of the document's output rows, after {@link AnnotationSchema#SCHEMA}'s. The partition streams through
 * in windows of sentences, so memory does not grow with it.
 */
final class DocumentAnnotation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GenerationSpec spec;
    private final List<String> labels;
    private final AnnotatorOptions options;
    private final LongAccumulator done;
    private final CollectionAccumulator<String> loads;

    DocumentAnnotation(GenerationSpec spec, List<String> labels, int maxWords, double minConfidence,
            LongAccumulator done, CollectionAccumulator<String> loads) {
        this.spec = spec;
        this.labels = List.copyOf(labels);
        this.options = new AnnotatorOptions(spec.decoding(), maxWords, minConfidence,
                AnnotatorOptions.DEFAULT_WINDOW_SENTENCES);
        this.done = done;
        this.loads = loads;
    }

    Iterator<Row> annotatePartition(Iterator<Tuple2<Long, Row>> input) {
        FaultInjection.maybeStall();
        TextAnnotator annotator = new TextAnnotator(() -> ExecutorModels.forTask(spec, loads), labels, options);
        Iterator<TextInput<Tuple2<Long, Row>>> texts = new MappedIterator<>(input, t -> {
            Row r = t._2();
            String text = r.getString(1);
            String error = r.getString(2) != null || text != null ? r.getString(2) : "no text";
            return new TextInput<>(t, text, null, error);
        });
        Iterator<Annotated<Tuple2<Long, Row>>> annotated = annotator.annotate(texts,
                n -> JobProgress.batchDone(done, n));
        Iterator<Row> rows = new FlatMappedIterator<>(annotated, DocumentAnnotation::rowsOf);
        return FaultInjection.maybeFailAfter(rows, 1, spec.failOnceAtPartition());
    }

    private static Iterator<Row> rowsOf(Annotated<Tuple2<Long, Row>> a) {
        long row = a.key()._1();
        Row input = a.key()._2();
        String id = input.getString(0);
        TextAnnotation annotation = a.annotation();
        if (annotation.sentences().isEmpty()) {
            return Collections.singletonList(withExtras(AnnotationSchema.noSentence(row, id, annotation.error()),
                    input)).iterator();
        }
        JobProgress.decoded(annotation.sentences().stream().map(SentenceAnnotation::result).toList());
        return annotation.sentences().stream()
                .map(s -> withExtras(AnnotationSchema.sentence(row, id, s), input)).iterator();
    }

    /** {@code row} followed by the input's fields after (id, text, error). */
    private static Row withExtras(Row row, Row input) {
        if (input.length() <= 3) {
            return row;
        }
        Object[] values = new Object[row.length() + input.length() - 3];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        for (int i = 3; i < input.length(); i++) {
            values[row.length() + i - 3] = input.get(i);
        }
        return RowFactory.create(values);
    }
}
