package org.gner.annotate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.gner.data.TextSegmenter;
import org.gner.data.TextSentence;
import org.gner.generate.GuidedPrompt;
import org.gner.generate.MappedIterator;
import org.gner.generate.PromptFormat;
import org.gner.generate.PromptResult;
import org.gner.generate.PromptRunner;
import org.gner.generate.Windowed;
import org.gner.metrics.EntityConfidence;
import org.gner.model.LoadedModel;
import org.gner.prompt.PromptBuilder;
import org.gner.structure.BackTokenizer;
import org.gner.structure.EntitySpan;
import org.gner.structure.EntitySpans;
import org.gner.structure.PredictionStructurer;
import org.gner.structure.StructuredPrediction;

/**
 * Texts in, their sentences and entities out, in input order. Each text is cut into sentences of at
 * most {@link AnnotatorOptions#maxWords} words, every sentence is prompted with its text's labels, the
 * output is structured onto the words and the entities are located in the text with their confidence.
 *
 * <p>Texts are read in windows of about {@link AnnotatorOptions#windowSentences} sentences (a text is
 * never split): a window is decoded in length-sorted batches, then handed back in input order, so
 * memory follows the window and not the input. The model is asked for only when a window has a
 * sentence. Errors are values: a text or sentence that cannot be annotated carries its reason.
 */
public final class TextAnnotator {
    private final Supplier<LoadedModel> modelSource;
    private final AnnotatorOptions options;
    private final List<String> defaultLabels;
    private final TextSegmenter segmenter;
    private volatile PromptRunner runner;
    private PredictionStructurer structurer;
    private PromptFormat format;

    /**
     * @param modelSource   the model, asked for once, when the first sentence needs it
     * @param defaultLabels labels of texts that bring none (null: every text must bring its own)
     */
    public TextAnnotator(Supplier<LoadedModel> modelSource, List<String> defaultLabels, AnnotatorOptions options) {
        this.modelSource = modelSource;
        this.options = options;
        this.defaultLabels = defaultLabels == null ? null : EntityLabels.of(defaultLabels);
        this.segmenter = new TextSegmenter(options.maxWords());
    }

    /** Every input's annotation, lazily, in input order. */
    public <K> Iterator<Annotated<K>> annotate(Iterator<TextInput<K>> inputs) {
        return annotate(inputs, n -> { });
    }

    /**
     * Every input's annotation, lazily, in input order.
     *
     * @param sentencesDone told how many sentences each finished batch held (for progress)
     */
    public <K> Iterator<Annotated<K>> annotate(Iterator<TextInput<K>> inputs, IntConsumer sentencesDone) {
        Iterator<Pending<K>> pending = new MappedIterator<>(inputs, this::pending);
        return Windowed.map(pending, options.windowSentences(), p -> p.sentences().size(),
                window -> window(window, sentencesDone));
    }

    /** One text's annotation (for small inputs; batch many texts through {@link #annotate}). */
    public TextAnnotation annotate(String text, List<String> labels) {
        return annotate(List.of(new TextInput<>(0, text, labels, null)).iterator()).next().annotation();
    }

    /** A text of the window, segmented, with its labels, or why it is not annotated. */
    private record Pending<K>(TextInput<K> input, List<String> labels, List<TextSentence> sentences, String error) {}

    private <K> List<Annotated<K>> window(List<Pending<K>> texts, IntConsumer sentencesDone) {
        List<PromptResult> results = List.of();
        if (texts.stream().anyMatch(p -> !p.sentences().isEmpty())) {
            PromptRunner runner = runner();
            List<GuidedPrompt> prompts = new ArrayList<>();
            for (Pending<K> p : texts) {
                for (TextSentence s : p.sentences()) {
                    prompts.add(prompt(s, p.labels()));
                }
            }
            results = runner.runGuided(prompts, sentencesDone);
        }
        List<Annotated<K>> out = new ArrayList<>(texts.size());
        int next = 0;
        for (Pending<K> p : texts) {
            if (p.error() != null) {
                out.add(new Annotated<>(p.input().key(), TextAnnotation.failed(p.error())));
                continue;
            }
            List<SentenceAnnotation> sentences = new ArrayList<>(p.sentences().size());
            for (int i = 0; i < p.sentences().size(); i++) {
                sentences.add(sentence(p.input().text(), i, p.sentences().get(i), p.labels(), results.get(next++)));
            }
            out.add(new Annotated<>(p.input().key(), new TextAnnotation(sentences, null)));
        }
        return out;
    }

    private <K> Pending<K> pending(TextInput<K> input) {
        if (input.error() != null) {
            return new Pending<>(input, null, List.of(), input.error());
        }
        if (input.text() == null || input.text().isBlank()) {
            return new Pending<>(input, null, List.of(), null);
        }
        List<String> labels;
        try {
            labels = input.labels() != null ? EntityLabels.of(input.labels()) : defaultLabels;
        } catch (IllegalArgumentException e) {
            return new Pending<>(input, null, List.of(), e.getMessage());
        }
        if (labels == null) {
            return new Pending<>(input, null, List.of(), "no entity types: the text brings none and the annotator"
                    + " has no default labels");
        }
        return new Pending<>(input, labels, segmenter.segment(input.text()), null);
    }

    /** A sentence's prompt in the model's format ({@link #runner} has been asked for). */
    private GuidedPrompt prompt(TextSentence sentence, List<String> labels) {
        String instruction = PromptBuilder.instruction(labels, sentence.wordTexts(), null);
        return new GuidedPrompt(format.wrap(instruction), sentence.wordTexts(), labels);
    }

    private synchronized PromptRunner runner() {
        if (runner == null) {
            LoadedModel model = modelSource.get();
            format = PromptFormat.of(model.spec());
            structurer = new PredictionStructurer(BackTokenizer.shared(model.tokenizer()));
            runner = new PromptRunner(model, options.decoding());
        }
        return runner;
    }

    private SentenceAnnotation sentence(String text, int index, TextSentence sentence, List<String> labels,
            PromptResult result) {
        if (result.failed()) {
            return new SentenceAnnotation(index, sentence, result, null, null, null, null, result.error());
        }
        try {
            StructuredPrediction structured = structurer.structure(sentence.wordTexts(), labels, result.text());
            double[] probabilities = result.wordLabelProbabilities(sentence.words().size());
            List<EntityAnnotation> kept = new ArrayList<>();
            List<EntityAnnotation> low = new ArrayList<>();
            for (EntitySpan s : EntitySpans.locate(text, sentence, structured.labels())) {
                Double confidence = EntityConfidence.DEFAULT.of(probabilities, s.wordStart(), s.wordEnd());
                EntityAnnotation e = new EntityAnnotation(s.text(), s.label(), s.start(), s.end(), s.wordStart(),
                        s.wordEnd(), confidence);
                (confidence != null && confidence < options.minConfidence() ? low : kept).add(e);
            }
            return new SentenceAnnotation(index, sentence, result, structured.labels(), structured.matchKind(),
                    List.copyOf(kept), List.copyOf(low), null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new SentenceAnnotation(index, sentence, result, null, null, null, null,
                    "structuring failed: " + message);
        }
    }
}
