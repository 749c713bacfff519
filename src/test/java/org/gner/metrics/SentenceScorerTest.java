package org.gner.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SentenceScorerTest {
    private final SentenceScorer scorer = new SentenceScorer();

    @Test
    void countsEntitiesAndSplitsThemByType() {
        List<String> words = List.of("John", "Smith", "in", "Paris", "and", "Paris");
        SentenceScore score = scorer.score(words,
                List.of("B-person", "I-person", "O", "B-location", "O", "B-location"),
                List.of("B-person", "O", "O", "B-location", "O", "B-organization"));
        assertEquals(new SentenceScore(1, 3, 2, List.of(
                new LabelCount("person", 0, 1, 1),
                new LabelCount("location", 1, 1, 1),
                new LabelCount("organization", 0, 1, 0))), score);
    }

    @Test
    void duplicatedEntitiesAreCountedOnceOnEachSide() {
        List<String> words = List.of("Bob", "met", "Bob");
        List<String> labels = List.of("B-person", "O", "B-person");
        assertEquals(new SentenceScore(1, 1, 1, List.of(new LabelCount("person", 1, 1, 1))),
                scorer.score(words, labels, labels));
    }

    @Test
    void typesCompareNormalized() {
        SentenceScore score = scorer.score(List.of("Joe's"), List.of("B-Restaurant Name"), List.of("B-restaurant name"));
        assertEquals(1, score.correct());
    }

    @Test
    void noEntities() {
        assertEquals(new SentenceScore(0, 0, 0, List.of()), scorer.score(List.of("a"), List.of("O"), List.of("O")));
    }
}
