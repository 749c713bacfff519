package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LlamaOutputsTest {

    @Test
    void keepsWhatFollowsTheInstructionStripped() {
        String decoded = "[INST] Please analyze the sentence provided, identifying the type of entity for each word"
                + " on a token-by-token basis.\nSentence: Alan Turing was born in London . [/INST] Alan(B-person)"
                + " Turing(I-person) was(O) born(O) in(O) London(B-location) .(O) \n";
        assertEquals("Alan(B-person) Turing(I-person) was(O) born(O) in(O) London(B-location) .(O)",
                LlamaOutputs.generationText(decoded));
    }

    @Test
    void splitsAtTheFirstOccurrence() {
        assertEquals("a(O) [/INST] b(O)", LlamaOutputs.generationText("[INST] x [/INST] a(O) [/INST] b(O)"));
    }

    @Test
    void emptyGenerationGivesEmptyText() {
        assertEquals("", LlamaOutputs.generationText("[INST] Sentence: hi [/INST]"));
        assertEquals("", LlamaOutputs.generationText("[INST] Sentence: hi [/INST]   \n"));
    }

    @Test
    void withoutTheMarkerPythonsFindMinusOneDropsSixCharacters() {
        assertEquals("ghij", LlamaOutputs.generationText("abcdefghij"));
        assertEquals("", LlamaOutputs.generationText("abc"));
        assertEquals("", LlamaOutputs.generationText(""));
        // Python counts code points: six emoji (twelve UTF-16 chars) go
        assertEquals("xyz", LlamaOutputs.generationText("\uD83D\uDE00".repeat(6) + "xyz"));
    }

    @Test
    void stripsWhatPythonCallsWhitespaceOnly() {
        assertEquals("a(O)", LlamaOutputs.generationText("[/INST]\u00A0\u3000\u0085\t a(O)\u202F\u2007\n"));
        // zero-width space is not whitespace to Python
        assertEquals("\u200Ba(O)", LlamaOutputs.generationText("[/INST] \u200Ba(O)"));
        assertTrue(LlamaOutputs.isPythonSpace(0x1F));
        assertFalse(LlamaOutputs.isPythonSpace(0x200B));
        assertFalse(LlamaOutputs.isPythonSpace(0x180E));
    }
}
