package org.gner.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected values are outputs of GNER's {@code parser} under CPython 3.11. */
class EntityParserTest {

    @Test
    void duplicatesAfterNormalizationCountOnce() {
        assertEquals(List.of(new Entity("bob", "person")),
                EntityParser.parse(List.of("Bob", "and", "Bob", "BOB!"), List.of("B-person", "O", "B-person", "B-person")));
    }

    @Test
    void insideLabelOfAnotherTypeExtendsTheSpanAndRenamesIt() {
        assertEquals(List.of(new Entity("new york times", "organization")),
                EntityParser.parse(List.of("New", "York", "Times"), List.of("B-location", "I-location", "I-organization")));
    }

    @Test
    void onlyLabelsStartingWithBOrOCloseASpan() {
        assertEquals(List.of(new Entity("x", "person"), new Entity("y z", "foo"), new Entity("w", "")),
                EntityParser.parse(List.of("x", "y", "z", "w"), List.of("I-person", "O-thing", "X-foo", "B-a")));
    }

    @Test
    void textAndTypeAreBothNormalized() {
        assertEquals(List.of(new Entity("who", "musical artist")),
                EntityParser.parse(List.of("The", "Who"), List.of("B-musical artist", "I-musical artist")));
        assertEquals(List.of(new Entity("joe s", "restaurant name")),
                EntityParser.parse(List.of("Joe", "s"), List.of("B-Restaurant Name", "I-Restaurant Name")));
        assertEquals(List.of(new Entity("", "")), EntityParser.parse(List.of("a"), List.of("B-The")));
    }

    @Test
    void sizesMustAgreeAndAnEmptyLabelInsideASpanFailsAsInPython() {
        assertThrows(IllegalArgumentException.class, () -> EntityParser.parse(List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> EntityParser.parse(List.of("a", "b"), List.of("B-x", "")));
        assertEquals(List.of(new Entity("x", "")), EntityParser.parse(List.of("x"), List.of("")));
    }
}
