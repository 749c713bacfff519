package org.gner.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are outputs of GNER's {@code normalize_answer} under CPython 3.11. */
class AnswerNormalizerTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "The Beatles|beatles",
        "A.I.|ai",
        "an apple a day|apple day",
        "theater|theater",
        "AN|\"\"",
        "a-ha|aha",
        "c++|c",
        "The (the) THE-band|theband",
        "ΟΔΥΣΣΕΥΣ|οδυσσευς",
        "AΣ^B|aσb",
        "İ|i\u0307",
        // Python's \\w covers all numbers (²) but no combining marks (U+0301 ends the word "a").
        "²a 1a éa _a|²a 1a éa",
        "a\u0301b|\u0301b",
        "the\u00A0who\u3000 x|who x",
        "\u0085 \u00A0|\"\"",
    })
    void normalizesLikeGner(String input, String expected) {
        assertEquals(expected, AnswerNormalizer.normalize(input));
    }
}
