package org.gner.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
    @Test
    void reproducesEverySharedRecord() {
        int checked = 0;
        for (String f : List.of("zero-shot-test-100.jsonl", "zero-shot-dev-100.jsonl")) {
            for (GnerRecord r : GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/" + f))) {
                List<String> words = r.instance().words();
                assertEquals(r.instructionInputs(), PromptBuilder.instruction(r.labelList(), words, null),
                        r.dataset() + "#" + r.id());
                assertEquals(r.promptLabels(), PromptBuilder.promptLabels(words, r.instance().labels()),
                        r.dataset() + "#" + r.id());
                checked++;
            }
        }
        assertEquals(1400, checked);
    }

    @Test
    void exactLayout() {
        String s = PromptBuilder.instruction(List.of("actor", "year"), List.of("did", "tom", "act"), null);
        assertTrue(s.startsWith("Please analyze the sentence provided, identifying the type of entity for each word "
                + "on a token-by-token basis.\nOutput format is: word_1(label_1), word_2(label_2), ...\n"));
        assertTrue(s.endsWith("3. O (Outside) denotes words that are not part of a named entity.\n\n"
                + "Use the specific entity tags: actor, year and O.\nSentence: did tom act"), s);
        assertEquals(PromptBuilder.INSTRUCTION + "\nUse the specific entity tags: actor, year and O.\n"
                + "Dataset: mit-movie.\nSentence: did tom act",
                PromptBuilder.instruction(List.of("actor", "year"), List.of("did", "tom", "act"), "mit-movie"));
    }

    @Test
    void promptLabelsAndLlama() {
        assertEquals("did(O) george(B-actor) clooney(I-actor)",
                PromptBuilder.promptLabels(List.of("did", "george", "clooney"), List.of("O", "B-actor", "I-actor")));
        assertEquals("", PromptBuilder.promptLabels(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> PromptBuilder.promptLabels(List.of("a"), List.of()));
        assertEquals("[INST] x\ny [/INST]", PromptBuilder.llama("x\ny"));
        assertEquals("[INST] p [/INST] a(O)", PromptBuilder.llamaTrainingText("p", "a(O)"));
    }
}
