package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import org.gner.model.ModelTokenizer;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;

class InputLimitTest {
    private static final String TEXT = "Please analyze the sentence provided, identifying the type of entity for each word.";

    @Test
    void t5KeepsTheFirstTokensAndTheClosingEos() throws IOException {
        try (ModelTokenizer t5 = ModelTokenizer.load(SharedData.flanT5Tokenizer())) {
            long[] full = t5.encode(TEXT);
            InputLimit limit = InputLimit.of(t5, 8);
            long[] cut = limit.apply(full);
            assertEquals(8, cut.length);
            assertArrayEquals(Arrays.copyOf(full, 7), Arrays.copyOf(cut, 7));
            assertEquals(1L, cut[7]); // </s>
            assertSame(full, InputLimit.of(t5, full.length).apply(full));
        }
    }

    @Test
    void llamaKeepsTheLeadingBos() throws IOException {
        try (ModelTokenizer llama = ModelTokenizer.load(SharedData.llamaTokenizer())) {
            long[] full = llama.encode(TEXT);
            long[] cut = InputLimit.of(llama, 6).apply(full);
            assertArrayEquals(Arrays.copyOf(full, 6), cut);
            assertEquals(1L, cut[0]); // <s>
        }
    }

    @Test
    void defaultLimits() {
        assertEquals(640, InputLimit.effectiveMax(true, 0, 0, 640));
        assertEquals(300, InputLimit.effectiveMax(true, 0, 300, 640));
        assertEquals(2048 - 640, InputLimit.effectiveMax(false, 2048, 0, 640));
        assertEquals(100, InputLimit.effectiveMax(false, 2048, 100, 640));
        assertEquals(2048 - 640, InputLimit.effectiveMax(false, 2048, 5000, 640));
        assertThrows(IllegalArgumentException.class, () -> InputLimit.effectiveMax(false, 2048, 0, 2048));
    }
}
