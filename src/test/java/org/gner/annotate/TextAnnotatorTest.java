package org.gner.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.ShippedModel;
import org.gner.model.load.ModelCache;
import org.junit.jupiter.api.Test;

/** The windowed core with the shipped model: windows change neither the output nor its order. */
class TextAnnotatorTest {
    private static final List<String> LABELS = List.of("person", "organization", "location");

    private static List<String> texts() throws Exception {
        List<String> texts = new ArrayList<>(Files.readAllLines(Path.of("datasets/sample/news.txt")));
        texts.add(1, "");
        texts.add(3, null);
        texts.add("Angela Merkel met Joe Biden in Berlin. Siemens and Volkswagen sent delegates. It rained.");
        return texts;
    }

    private static List<TextAnnotation> annotate(List<String> texts, int window, AtomicInteger modelAsks) {
        LoadedModel model = ModelCache.get(ShippedModel.FOLDER, RuntimeOptions.parse("cpu", "fp32"));
        TextAnnotator annotator = new TextAnnotator(() -> {
            modelAsks.incrementAndGet();
            return model;
        }, LABELS, AnnotatorOptions.defaults().withWindowSentences(window));
        List<Annotated<Integer>> out = new ArrayList<>();
        annotator.annotate(IntStream.range(0, texts.size()).mapToObj(i -> TextInput.of(i, texts.get(i))).iterator())
                .forEachRemaining(out::add);
        assertEquals(IntStream.range(0, texts.size()).boxed().toList(), out.stream().map(Annotated::key).toList());
        return out.stream().map(Annotated::annotation).toList();
    }

    /**
     * What a window could change: sentences, labels, entities with offsets and confidence (to 5 places:
     * batches of other sizes move the last float bits).
     */
    private static List<String> summary(List<TextAnnotation> annotations) {
        return annotations.stream().map(a -> a.error() + " " + a.sentences().stream()
                .map(s -> s.sentence() + " " + s.wordLabels() + " " + entities(s.entities()) + " "
                        + entities(s.lowConfidence()))
                .toList()).toList();
    }

    private static List<String> entities(List<EntityAnnotation> entities) {
        return entities.stream().map(e -> e.text() + "|" + e.label() + "|" + e.start() + "|" + e.end() + "|"
                + e.wordStart() + "|" + e.wordEnd() + "|" + String.format("%.5f", e.confidence())).toList();
    }

    @Test
    void windowsOfOneSevenAndAllGiveTheSameAnnotations() throws Exception {
        List<String> texts = texts();
        AtomicInteger asks = new AtomicInteger();
        List<TextAnnotation> all = annotate(texts, Integer.MAX_VALUE, asks);
        assertEquals(1, asks.get());
        assertEquals(summary(all), summary(annotate(texts, 7, asks)));
        assertEquals(summary(all), summary(annotate(texts, 1, asks)));

        assertTrue(all.get(1).sentences().isEmpty() && all.get(1).error() == null);
        assertTrue(all.get(3).sentences().isEmpty() && all.get(3).error() == null);
        TextAnnotation last = all.get(all.size() - 1);
        assertEquals(3, last.sentences().size());
        assertTrue(last.entities().size() >= 3, "entities " + last.entities());
        for (EntityAnnotation e : last.entities()) {
            assertEquals(e.text(), texts.get(texts.size() - 1).substring(e.start(), e.end()));
            assertTrue(e.confidence() > 0 && e.confidence() <= 1, e.toString());
        }
        assertNull(last.firstError());
    }

    @Test
    void noModelIsLoadedForTextsWithoutSentencesAndErrorsAreValues() {
        AtomicInteger asks = new AtomicInteger();
        TextAnnotator annotator = new TextAnnotator(() -> {
            asks.incrementAndGet();
            throw new IllegalStateException("not needed");
        }, null, AnnotatorOptions.defaults());
        List<TextAnnotation> out = new ArrayList<>();
        annotator.annotate(List.of(TextInput.of("a", ""), new TextInput<>("b", "Paris.", null, null),
                new TextInput<>("c", "Paris.", List.of(" "), null), new TextInput<>("d", "x", null, "unreadable"))
                .iterator()).forEachRemaining(a -> out.add(a.annotation()));
        assertEquals(0, asks.get());
        assertNull(out.get(0).firstError());
        assertTrue(out.get(1).firstError().contains("no entity types"), out.get(1).firstError());
        assertTrue(out.get(2).firstError().contains("no entity type"), out.get(2).firstError());
        assertEquals("unreadable", out.get(3).firstError());
    }
}
