package org.gner.structure;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are outputs of GNER's {@code extract} under CPython 3.11. */
class PredictionExtractorTest {

    private static void assertExtracts(String text, List<String> words, List<String> labels) {
        ExtractedPrediction extracted = PredictionExtractor.extract(text);
        assertEquals(words, extracted.words(), "words");
        assertEquals(labels, extracted.labels(), "labels");
    }

    @Test
    void gluedPunctuationIsItsOwnWord() {
        assertExtracts("This(O) system(O) NATO(B-organization) forces(O).(O)",
                List.of("This", "system", "NATO", "forces", "."),
                List.of("O", "O", "B-organization", "O", "O"));
    }

    @Test
    void labelsWithSpacesAndRegexMetacharactersInWords() {
        assertExtracts("c++(B-programming language) is(O) f(x)(O) fun(O)",
                List.of("c++", "is", "f(x)", "fun"),
                List.of("B-programming language", "O", "O", "O"));
    }

    @Test
    void labelsAreStrippedAndLazilyClosed() {
        assertExtracts("Paris(B-location ) is(O)", List.of("Paris", "is"), List.of("B-location", "O"));
        assertExtracts("a(B-x(O) b(O)", List.of("a", "b"), List.of("B-x(O", "O"));
        assertExtracts("a(I-x) b((O)", List.of("a", "b("), List.of("I-x", "O"));
    }

    @Test
    void dotStopsOnlyAtLineFeed() {
        assertExtracts("a(B-x\n) b(O)", List.of("a(B-x\n) b"), List.of("O"));
        assertExtracts("a(B-x\ry) b(B-u\u2028v) c(B-w\u0085z)",
                List.of("a", "b", "c"), List.of("B-x\ry", "B-u\u2028v", "B-w\u0085z"));
    }

    @Test
    void unclosedLabelsOnALineDoNotHideLaterMatches() {
        assertExtracts("w(B-a (I-b (B-c\nx(O) y(B-d)", List.of("w(B-a (I-b (B-c\nx", "y"), List.of("O", "B-d"));
        // Lazily closed at the ')' of "(O)": one match whose word is blank, so dropped.
        assertExtracts("(B-a (I-b (B-c x(O)\ny(B-d)", List.of("y"), List.of("B-d"));
    }

    @Test
    void blankWordsAreDroppedAndTrailingTextIgnored() {
        assertExtracts("(O) x(O)(O) tail", List.of("x"), List.of("O"));
    }

    @Test
    void wordsAreStrippedWithPythonsWhitespaceSet() {
        assertExtracts("\u00A0foo\u202F(O) \u0085bar\u001C(O) \u200Bbaz(O)",
                List.of("foo", "bar", "\u200Bbaz"), List.of("O", "O", "O"));
    }

    @Test
    void emptyOrUnlabeledPredictions() {
        assertExtracts("", List.of(), List.of());
        assertExtracts("no labels here", List.of(), List.of());
        assertExtracts("( B-x) (O ) (o)", List.of(), List.of());
    }
}
