package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.gner.prompt.GnerExample;
import org.junit.jupiter.api.Test;

class TargetStyleTest {
    private static GnerExample example(List<String> words, List<String> labels) {
        return new GnerExample("d", "train", "0", words, labels, List.of("person", "location"), "prompt",
                org.gner.prompt.PromptBuilder.promptLabels(words, labels));
    }

    @Test
    void fullTargetLabelsEveryWordAndEntityTargetKeepsOnlyEntityWords() {
        GnerExample e = example(List.of("Obama", "visited", "New", "York", "."),
                List.of("B-person", "O", "B-location", "I-location", "O"));
        assertEquals("Obama(B-person) visited(O) New(B-location) York(I-location) .(O)", TargetStyle.FULL.target(e));
        assertEquals("Obama(B-person) New(B-location) York(I-location)", TargetStyle.ENTITIES.target(e));
    }

    @Test
    void sentenceWithoutEntitiesHasAnEmptyEntityTarget() {
        GnerExample e = example(List.of("nothing", "here"), List.of("O", "O"));
        assertEquals("", TargetStyle.ENTITIES.target(e));
        assertEquals("nothing(O) here(O)", TargetStyle.FULL.target(e));
    }

    @Test
    void parsesNamesAndRejectsOthers() {
        assertEquals(TargetStyle.ENTITIES, TargetStyle.parse("Entities"));
        assertEquals(TargetStyle.FULL, TargetStyle.parse("full"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TargetStyle.parse("o-only"));
        assertEquals("target style must be full or entities, not 'o-only'", error.getMessage());
    }
}
