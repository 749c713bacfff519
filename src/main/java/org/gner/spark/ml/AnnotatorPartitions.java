package org.gner.spark.ml;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.gner.annotate.Annotated;
import org.gner.annotate.AnnotatorOptions;
import org.gner.annotate.TextAnnotation;
import org.gner.annotate.TextAnnotator;
import org.gner.annotate.TextInput;
import org.gner.generate.MappedIterator;
import org.gner.spark.ExecutorModels;
import org.gner.spark.GenerationSpec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link GnerAnnotator}'s executor side: a partition's rows through the core {@link TextAnnotator},
 * each row out with its entities and error appended, in input order.
 */
final class AnnotatorPartitions implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final GenerationSpec spec;
    private final List<String> labels;
    private final AnnotatorOptions options;
    private final int textIndex;
    private final int labelsIndex;

    /**
     * @param labels      every row's entity types, or null when they come from column {@code labelsIndex}
     * @param labelsIndex the array&lt;string&gt; column of per-row labels, -1 for none
     */
    AnnotatorPartitions(GenerationSpec spec, List<String> labels, AnnotatorOptions options, int textIndex,
            int labelsIndex) {
        this.spec = spec;
        this.labels = labels == null ? null : List.copyOf(labels);
        this.options = options;
        this.textIndex = textIndex;
        this.labelsIndex = labelsIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TextAnnotator annotator = new TextAnnotator(() -> ExecutorModels.forTask(spec, null), labels, options);
        Iterator<Annotated<Row>> annotated = annotator.annotate(new MappedIterator<>(rows, r ->
                new TextInput<>(r, r.isNullAt(textIndex) ? null : r.getString(textIndex), labelsOf(r), null)));
        return new MappedIterator<>(annotated, a -> appended(a.key(), a.annotation()));
    }

    /** The row's own labels, or null: none (an error for the row when the stage has none either). */
    private List<String> labelsOf(Row r) {
        if (labelsIndex < 0 || r.isNullAt(labelsIndex)) {
            return labelsIndex < 0 ? null : List.of();
        }
        return r.getList(labelsIndex);
    }

    private static Row appended(Row input, TextAnnotation annotation) {
        Object[] values = new Object[input.length() + 2];
        for (int i = 0; i < input.length(); i++) {
            values[i] = input.get(i);
        }
        String error = annotation.firstError();
        values[input.length()] = error != null ? null : CollectionConverters.asScala(annotation.entities().stream()
                .map(e -> RowFactory.create(e.text(), e.label(), e.start(), e.end(), e.confidence()))
                .toList()).toSeq();
        values[input.length() + 1] = error;
        return RowFactory.create(values);
    }
}
