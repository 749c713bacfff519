package org.gner.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.gner.data.TextSegmenter;
import org.gner.data.TextSentence;
import org.gner.generate.GuidedPrompt;
import org.gner.generate.PromptResult;
import org.gner.generate.PromptRunner;
import org.gner.model.LoadedModel;
import org.gner.prompt.PromptBuilder;
import org.gner.structure.EntitySpans;
import org.gner.structure.PredictionStructurer;
import org.gner.structure.StructuredPrediction;
import scala.Tuple2;

/**
 * Executor side of {@code annotate}: segments each document, prompts GNER once per sentence with the
 * requested labels, structures the output onto the words and locates the entities in the text. Rows
 * leave ordered by (input row, sentence). Input rows are {@code (id, text, error, extra...)}: the
 * extra fields are copied onto each of the document's output rows, after {@link AnnotationSchema#SCHEMA}'s.
 */
final class DocumentAnnotation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GenerationSpec spec;
    private final List<String> labels;
    private final int maxWords;
    private final double minConfidence;
    private final LongAccumulator done;
    private final CollectionAccumulator<String> loads;

    DocumentAnnotation(GenerationSpec spec, List<String> labels, int maxWords, double minConfidence,
            LongAccumulator done, CollectionAccumulator<String> loads) {
        this.spec = spec;
        this.labels = List.copyOf(labels);
        this.maxWords = maxWords;
        this.minConfidence = minConfidence;
        this.done = done;
        this.loads = loads;
    }

    private record Unit(long row, String id, String text, int index, TextSentence sentence, Row input) {}

    Iterator<Row> annotatePartition(Iterator<Tuple2<Long, Row>> input) {
        List<Tuple2<Long, Row>> rows = new ArrayList<>();
        input.forEachRemaining(rows::add);
        FaultInjection.maybeStall();
        rows.sort(Comparator.comparingLong(Tuple2::_1));
        TextSegmenter segmenter = new TextSegmenter(maxWords);
        List<Row> out = new ArrayList<>();
        List<Unit> units = new ArrayList<>();
        List<Integer> slots = new ArrayList<>(); // where each unit's row goes in out
        for (Tuple2<Long, Row> t : rows) {
            Row r = t._2();
            String id = r.getString(0);
            String text = r.getString(1);
            String error = r.getString(2);
            List<TextSentence> sentences = error != null || text == null ? List.of() : segmenter.segment(text);
            if (sentences.isEmpty()) {
                out.add(withExtras(AnnotationSchema.noSentence(t._1(), id,
                        error != null || text != null ? error : "no text"), r));
                continue;
            }
            for (int i = 0; i < sentences.size(); i++) {
                units.add(new Unit(t._1(), id, text, i, sentences.get(i), r));
                slots.add(out.size());
                out.add(null);
            }
        }
        if (!units.isEmpty()) {
            LoadedModel model = ExecutorModels.forTask(spec, loads);
            boolean llama = !model.spec().encoderDecoder();
            List<GuidedPrompt> prompts = units.stream().map(u -> {
                String instruction = PromptBuilder.instruction(labels, u.sentence().wordTexts(), null);
                return new GuidedPrompt(llama ? PromptBuilder.llama(instruction) : instruction,
                        u.sentence().wordTexts(), labels);
            }).toList();
            List<PromptResult> results = new PromptRunner(model, spec.decoding())
                    .runGuided(prompts, n -> JobProgress.batchDone(done, n));
            JobProgress.decoded(results);
            PredictionStructurer structurer = new PredictionStructurer(
                    JvmTokenizers.backTokenizer(model));
            for (int k = 0; k < units.size(); k++) {
                out.set(slots.get(k), withExtras(annotated(units.get(k), results.get(k), structurer),
                        units.get(k).input()));
            }
        }
        return FaultInjection.maybeFailHalfWay(out.iterator(), out.size(), spec.failOnceAtPartition());
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
        return org.apache.spark.sql.RowFactory.create(values);
    }

    private Row annotated(Unit u, PromptResult result, PredictionStructurer structurer) {
        if (result.failed()) {
            return AnnotationSchema.sentence(u.row(), u.id(), u.index(), u.sentence(), result, null, null, null,
                    minConfidence, result.error());
        }
        try {
            StructuredPrediction structured = structurer.structure(u.sentence().wordTexts(), labels, result.text());
            return AnnotationSchema.sentence(u.row(), u.id(), u.index(), u.sentence(), result, structured,
                    EntitySpans.locate(u.text(), u.sentence(), structured.labels()),
                    result.wordLabelProbabilities(u.sentence().words().size()), minConfidence, null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return AnnotationSchema.sentence(u.row(), u.id(), u.index(), u.sentence(), result, null, null, null,
                    minConfidence, "structuring failed: " + message);
        }
    }
}
