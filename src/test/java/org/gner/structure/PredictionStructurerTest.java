package org.gner.structure;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are outputs of GNER's {@code extract_predictions} (tokenizer=None) under CPython 3.11. */
class PredictionStructurerTest {
    private final PredictionStructurer structurer = new PredictionStructurer(WordNormalizer.IDENTITY);

    private void assertStructures(List<String> words, List<String> labelList, String prediction,
                                  List<String> labels, MatchKind kind) {
        StructuredPrediction structured = structurer.structure(words, labelList, prediction);
        assertEquals(labels, structured.labels(), "labels");
        assertEquals(kind, structured.matchKind(), "match kind");
    }

    @Test
    void exactMatchIsCaseInsensitive() {
        assertStructures(List.of("a", "b", "c"), List.of("x"), "A(B-x) B(I-x) C(O)",
                List.of("B-x", "I-x", "O"), MatchKind.EXACT);
    }

    @Test
    void gluedPunctuationStillMatchesExactly() {
        assertStructures(List.of("NATO", "forces", "."), List.of("organization"),
                "NATO(B-organization) forces(O).(O)", List.of("B-organization", "O", "O"), MatchKind.EXACT);
    }

    @Test
    void invalidLabelsBecomeO() {
        assertStructures(List.of("a", "b", "c", "d", "e", "f", "g"), List.of("person", "Restaurant Name"),
                "a(B-Person) b(B- person) c(I-) d(B-persons) e(B-restaurant name) f(I-Restaurant Name) g(O)",
                List.of("O", "O", "O", "O", "O", "I-Restaurant Name", "O"), MatchKind.EXACT);
    }

    @Test
    void labelsWithSpacesAndCapitalsAreKeptVerbatim() {
        assertStructures(List.of("Joe's", "Diner"), List.of("Restaurant Name"),
                "Joe's(B-Restaurant Name) Diner(I-Restaurant Name)",
                List.of("B-Restaurant Name", "I-Restaurant Name"), MatchKind.EXACT);
    }

    @Test
    void regexMetacharactersInWordsAndLabels() {
        assertStructures(List.of("c++", "rocks"), List.of("programming language"),
                "c++(B-programming language) rocks(O)", List.of("B-programming language", "O"), MatchKind.EXACT);
    }

    @Test
    void droppedWordsGiveSubsequenceMatch() {
        assertStructures(List.of("John", "Smith", "Jr"), List.of("person"), "John(B-person) Smith(I-person) Jr(person)",
                List.of("B-person", "I-person", "O"), MatchKind.SUBSEQUENCE);
        assertStructures(List.of("a", "b", "a", "c"), List.of("x"), "a(B-x) c(I-x)",
                List.of("B-x", "O", "O", "I-x"), MatchKind.SUBSEQUENCE);
    }

    @Test
    void lcsBranchUsesGnersTieBreaking() {
        assertStructures(List.of("In", "Paris"), List.of("location"), "Paris(B-location) Paris(O)",
                List.of("O", "B-location"), MatchKind.LCS);
        assertStructures(List.of("Rome", "and", "Paris"), List.of("location"),
                "Rome(B-location) und(O) Paris(B-location)", List.of("B-location", "O", "B-location"), MatchKind.LCS);
    }

    @Test
    void emptyAndUnlabeledPredictions() {
        assertStructures(List.of("a", "b"), List.of("x"), "", List.of("O", "O"), MatchKind.EMPTY);
        assertStructures(List.of("a", "b"), List.of("x"), "a b", List.of("O", "O"), MatchKind.EMPTY);
        assertStructures(List.of(), List.of("x"), "", List.of(), MatchKind.EXACT);
        assertStructures(List.of(), List.of("x"), "a(B-x)", List.of(), MatchKind.LCS);
    }

    @Test
    void unicodeWordsAreLowerCasedThePythonWay() {
        assertStructures(List.of("İstanbul", "ΟΔΥΣΣΕΥΣ"), List.of("location"),
                "i\u0307stanbul(B-location) οδυσσευς(B-location)", List.of("B-location", "B-location"), MatchKind.EXACT);
        assertStructures(List.of("北京", "大学"), List.of("organization"), "北京(B-organization)大学(I-organization)",
                List.of("B-organization", "I-organization"), MatchKind.EXACT);
    }

    @Test
    void nbspIsStrippedAroundButNotInsideWords() {
        assertStructures(List.of("New York", "is"), List.of("location"), "\u00A0New York\u00A0(B-location) is(O)",
                List.of("B-location", "O"), MatchKind.EXACT);
    }

    @Test
    void normalizerAppliesToInputWordsOnly() {
        PredictionStructurer dropsLastLetter = new PredictionStructurer(w -> w.substring(0, w.length() - 1));
        StructuredPrediction structured = dropsLastLetter.structure(List.of("Brontë", "wrote"), List.of("person"),
                "Bront(B-person) wrot(O)");
        assertEquals(List.of("B-person", "O"), structured.labels());
        assertEquals(MatchKind.EXACT, structured.matchKind());
    }
}
