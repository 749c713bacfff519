package org.gner.structure;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are CPython 3.11 outputs. */
class PythonTextTest {

    @Test
    void whitespaceIsPythonsSetNotJavas() {
        for (char c : "\t\n\u000B\f\r\u001C\u001D\u001E\u001F \u0085\u00A0\u1680\u2000\u200A\u2028\u2029\u202F\u205F\u3000".toCharArray()) {
            assertTrue(PythonText.isSpace(c), Integer.toHexString(c));
        }
        for (char c : "\u200B\u180E\uFEFFx_".toCharArray()) {
            assertFalse(PythonText.isSpace(c), Integer.toHexString(c));
        }
        // Java's strip() keeps NBSP, U+202F and U+0085; Python's strip() removes them.
        assertEquals("\u00A0a\u0085", "\u00A0a\u0085".strip());
        assertEquals("a", PythonText.strip("\u00A0\u202Fa\u0085\u001C"));
        assertEquals("\u200Ba", PythonText.strip(" \u200Ba "));
    }

    @Test
    void splitDropsEmptyParts() {
        assertEquals(List.of("the", "who", "x"), PythonText.split("\u00A0the\u3000\u3000who x\u0085"));
        assertEquals(List.of(), PythonText.split(" \t "));
    }

    @Test
    void lowerMapsDottedCapitalIToTwoCharacters() {
        assertEquals("i\u0307stanbul", PythonText.lower("\u0130stanbul"));
    }

    @Test
    void lowerUsesPythonsFinalSigmaContext() {
        assertEquals("οδυσσευς", PythonText.lower("ΟΔΥΣΣΕΥΣ"));
        // '^' is case-ignorable for Python, a word boundary for Java: the two disagree here.
        assertEquals("aσ^b", PythonText.lower("AΣ^B"));
        assertEquals("a^ς", PythonText.lower("A^Σ"));
        assertNotEquals("aσ^b", "AΣ^B".toLowerCase(Locale.ROOT));
        assertEquals("σ", PythonText.lower("Σ"));
    }

    @Test
    void lowerLeavesAsciiLowerCaseTextAlone() {
        String s = "already lower 123";
        assertTrue(s == PythonText.lower(s));
        assertEquals("müller", PythonText.lower("MÜLLER"));
    }

    @Test
    void wordCharactersAreLettersAndAllNumbersButNotMarks() {
        assertTrue(PythonText.isWordChar('_'));
        assertTrue(PythonText.isWordChar('é'));
        assertTrue(PythonText.isWordChar('北'));
        assertTrue(PythonText.isWordChar('²'));
        assertTrue(PythonText.isWordChar('Ⅻ'));
        assertFalse(PythonText.isWordChar('\u0301'));
        assertFalse(PythonText.isWordChar('-'));
    }
}
