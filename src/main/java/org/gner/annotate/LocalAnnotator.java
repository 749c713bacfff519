package org.gner.annotate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.load.ModelCache;

/**
 * GNER for a few texts in a plain JVM, no Spark: the same core as the jobs and {@code GnerAnnotator}
 * (Spark NLP's LightPipeline role). The model is loaded once per JVM and shared; instances are
 * thread-safe.
 *
 * <pre>{@code
 * LocalAnnotator gner = LocalAnnotator.load("models/gner-t5-mini", List.of("person", "location"));
 * for (EntityAnnotation e : gner.annotate("Barack Obama visited Paris.").entities()) { ... }
 * }</pre>
 */
public final class LocalAnnotator {
    private final TextAnnotator annotator;

    private LocalAnnotator(TextAnnotator annotator) {
        this.annotator = annotator;
    }

    /** The model (folder or hub id) on CPU in fp32 with the jobs' default options. */
    public static LocalAnnotator load(String model, List<String> labels) {
        return load(model, labels, AnnotatorOptions.defaults(), "cpu", "fp32");
    }

    /**
     * @param labels entity types of every text (null: each call names its own)
     * @param device cpu, gpu or gpu:N
     * @param dtype  fp32 or fp16
     */
    public static LocalAnnotator load(String model, List<String> labels, AnnotatorOptions options, String device,
            String dtype) {
        LoadedModel loaded = ModelCache.get(model, RuntimeOptions.parse(device, dtype));
        return new LocalAnnotator(new TextAnnotator(() -> loaded, labels, options));
    }

    /** One text with the annotator's labels. */
    public TextAnnotation annotate(String text) {
        return annotate(text, null);
    }

    /** One text with these labels (null: the annotator's). */
    public TextAnnotation annotate(String text, List<String> labels) {
        return annotator.annotate(text, labels);
    }

    /** Texts with the annotator's labels, decoded together; annotations in input order. */
    public List<TextAnnotation> annotate(List<String> texts) {
        List<TextAnnotation> out = new ArrayList<>(texts.size());
        annotator.annotate(IntStream.range(0, texts.size())
                .mapToObj(i -> new TextInput<>(i, texts.get(i), null, null)).iterator())
                .forEachRemaining(a -> out.add(a.annotation()));
        return out;
    }
}
