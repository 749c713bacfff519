package org.gner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextSegmenterTest {
    private final TextSegmenter segmenter = new TextSegmenter();

    private static List<String> words(String text) {
        return TextSegmenter.words(text.codePoints().toArray()).stream().map(TextWord::text).toList();
    }

    private List<String> sentences(String text) {
        return segmenter.segment(text).stream().map(s -> String.join(" ", s.wordTexts())).toList();
    }

    /** Python-style slicing by code points. */
    private static String slice(String text, int start, int end) {
        return new String(text.codePoints().toArray(), start, end - start);
    }

    @Test
    void punctuationIsSeparatedAsInGnerCorpora() {
        assertEquals(List.of("In", "2019", ",", "Apple", "(", "AAPL", ")", "paid", "$", "1,000.50", "."),
                words("In 2019, Apple (AAPL) paid $1,000.50."));
        assertEquals(List.of("state-of-the-art", "COVID-19", "models", ";", "John", "'s", "don", "'t"),
                words("state-of-the-art COVID-19 models; John's don't"));
        assertEquals(List.of("the", "U.S.", "and", "e.g.", "Paris", "-"), words("the U.S. and e.g. Paris -"));
        assertEquals(List.of("\"", "Hi", "\"", "!", "😀", "ok"), words("\"Hi\"! 😀 ok"));
        assertEquals(List.of("Mr.", "J.", "Doe", "vs.", "Ltd", "!"), words("Mr. J. Doe vs. Ltd!"));
        assertEquals(List.of("ok", ".", ".", "."), words("ok..."));
    }

    @Test
    void sentencesEndAtTerminatorsBeforeCapitalsNotAfterAbbreviations() {
        assertEquals(List.of("Mr. Smith went to Washington .", "He met Dr. J. Doe there !", "Why ?"),
                sentences("Mr. Smith went to Washington. He met Dr. J. Doe there! Why?"));
        assertEquals(List.of("He said \" stop . \"", "Then he left ."),
                sentences("He said \"stop.\" Then he left."));
        assertEquals(List.of("version 2.5 of the tool . and more"), sentences("version 2.5 of the tool. and more"));
        assertEquals(List.of("Title line", "Body text here ."), sentences("Title line\n\nBody text here."));
        assertEquals(List.of("one line wrapped here ."), sentences("one line\nwrapped here."));
        assertEquals(List.of(), sentences("   \n "));
    }

    @Test
    void longSentencesAreCutAtMaxWords() {
        List<TextSentence> s = new TextSegmenter(3).segment("a b c d e f g .");
        assertEquals(List.of(3, 3, 2), s.stream().map(x -> x.words().size()).toList());
    }

    @Test
    void offsetsAreCodePointsThatSliceBackToEachWord() {
        String text = "😀 Zoë met Ægir in São Paulo 🇧🇷 on 3.5.\n\nNext 𝔘𝔫𝔦 line.";
        List<TextSentence> sentences = segmenter.segment(text);
        assertEquals(2, sentences.size());
        for (TextSentence s : sentences) {
            for (TextWord w : s.words()) {
                assertEquals(w.text(), slice(text, w.start(), w.end()));
            }
            assertEquals(s.words().get(0).start(), s.start());
            assertTrue(s.end() >= s.start());
        }
        TextWord zoe = sentences.get(0).words().get(1);
        assertEquals("Zoë", zoe.text());
        assertEquals(2, zoe.start()); // the emoji counts as one character
    }

    @Test
    void deterministic() {
        String text = "A. B. Smith, Inc. sold 4,000 units. Sales rose 3% in Q3! Analysts (e.g. Jones) agreed.";
        assertEquals(segmenter.segment(text), segmenter.segment(new String(text)));
    }
}
