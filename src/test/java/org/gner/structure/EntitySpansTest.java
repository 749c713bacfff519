package org.gner.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.gner.data.TextSegmenter;
import org.gner.data.TextSentence;
import org.junit.jupiter.api.Test;

class EntitySpansTest {

    private static String slice(String text, int start, int end) {
        return new String(text.codePoints().toArray(), start, end - start);
    }

    @Test
    void entitiesSliceBackToTheirTextInTheDocument() {
        String text = "Intro 😀 sentence here. Yesterday Zoë Ægirsdóttir flew to São Paulo, Brazil.";
        List<TextSentence> sentences = new TextSegmenter().segment(text);
        TextSentence second = sentences.get(1);
        assertEquals(List.of("Yesterday", "Zoë", "Ægirsdóttir", "flew", "to", "São", "Paulo", ",", "Brazil", "."),
                second.wordTexts());
        List<String> labels = List.of("O", "B-person", "I-person", "O", "O", "B-location", "I-location", "O",
                "B-country", "O");
        List<EntitySpan> spans = EntitySpans.locate(text, second, labels);
        assertEquals(3, spans.size());
        assertEquals(new EntitySpan("Zoë Ægirsdóttir", "person", 33, 48, 1, 3), spans.get(0));
        assertEquals("São Paulo", spans.get(1).text());
        assertEquals("Brazil", spans.get(2).text());
        for (EntitySpan s : spans) {
            assertEquals(s.text(), slice(text, s.start(), s.end()));
        }
    }

    @Test
    void spansFollowGnersParser() {
        String text = "a b c d e";
        TextSentence s = new TextSegmenter().segment(text).get(0);
        // I- without B- opens a span; I- of another type extends it and sets the type; B- closes.
        List<EntitySpan> spans = EntitySpans.locate(text, s, List.of("I-x", "I-y", "B-z", "O", "B-w"));
        assertEquals(List.of(new EntitySpan("a b", "y", 0, 3, 0, 2), new EntitySpan("c", "z", 4, 5, 2, 3),
                new EntitySpan("e", "w", 8, 9, 4, 5)), spans);
        assertThrows(IllegalArgumentException.class, () -> EntitySpans.locate(text, s, List.of("O")));
    }
}
