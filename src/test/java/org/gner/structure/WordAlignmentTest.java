package org.gner.structure;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are outputs of GNER's {@code contains_in_order} / {@code lcs_solve_fast} / {@code lcs_solve}. */
class WordAlignmentTest {

    @Test
    void subsequenceMatchesFirstOccurrencesGreedily() {
        assertArrayEquals(new int[] {0, -1, -1, 1},
                WordAlignment.inOrderSubsequence(List.of("a", "b", "a", "c"), List.of("a", "c")));
        assertArrayEquals(new int[] {0, -1, 1, -1},
                WordAlignment.inOrderSubsequence(List.of("a", "b", "a", "c"), List.of("a", "a")));
    }

    @Test
    void notASubsequence() {
        assertNull(WordAlignment.inOrderSubsequence(List.of("a", "b"), List.of("b", "a")));
        assertNull(WordAlignment.inOrderSubsequence(List.of(), List.of("a")));
    }

    @Test
    void emptyPredictionIsASubsequenceMatchingNothing() {
        assertArrayEquals(new int[] {-1, -1}, WordAlignment.inOrderSubsequence(List.of("a", "b"), List.of()));
    }

    @Test
    void lcsTieBreakingDiffersFromTextbookDp() {
        List<String> input = List.of("in", "paris");
        List<String> predicted = List.of("paris", "paris");
        assertArrayEquals(new int[] {-1, 0}, WordAlignment.longestCommonSubsequence(input, predicted));
        assertArrayEquals(new int[] {-1, 1}, textbookLcs(input, predicted));
    }

    @Test
    void lcsOnLongerSentenceWithRepeatedWords() {
        List<String> input = List.of("the", "cat", "saw", "the", "dog", ".");
        List<String> predicted = List.of("the", "dog", "saw", "the", "cat", ".", "the");
        assertArrayEquals(new int[] {0, -1, 2, 3, -1, 5}, WordAlignment.longestCommonSubsequence(input, predicted));
    }

    @Test
    void lcsWithNothingInCommon() {
        assertArrayEquals(new int[] {-1, -1}, WordAlignment.longestCommonSubsequence(List.of("a", "b"), List.of("c")));
        assertEquals(0, WordAlignment.longestCommonSubsequence(List.of(), List.of("c")).length);
    }

    @Test
    void lcsMatchesTheTextbookLengthOnManyInputs() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            List<String> a = randomWords(random);
            List<String> b = randomWords(random);
            int[] fast = WordAlignment.longestCommonSubsequence(a, b);
            assertEquals(matched(textbookLcs(a, b)), matched(fast), a + " / " + b);
            int last = -1;
            for (int i = 0; i < fast.length; i++) {
                if (fast[i] >= 0) {
                    assertEquals(a.get(i), b.get(fast[i]));
                    assertTrue(fast[i] > last, "b indices must increase");
                    last = fast[i];
                }
            }
        }
    }

    private static List<String> randomWords(Random random) {
        String[] words = new String[random.nextInt(8)];
        for (int i = 0; i < words.length; i++) {
            words[i] = String.valueOf((char) ('a' + random.nextInt(3)));
        }
        return Arrays.asList(words);
    }

    private static long matched(int[] match) {
        return Arrays.stream(match).filter(i -> i >= 0).count();
    }

    /** GNER's own O(N^2) {@code lcs_solve}, which its evaluator does not use. */
    private static int[] textbookLcs(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] length = new int[n + 1][m + 1];
        int[][] fromI = new int[n + 1][m + 1];
        int[][] fromJ = new int[n + 1][m + 1];
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                if (a.get(i - 1).equals(b.get(j - 1))) {
                    length[i][j] = length[i - 1][j - 1] + 1;
                    fromI[i][j] = i - 1;
                    fromJ[i][j] = j - 1;
                } else if (length[i - 1][j] > length[i][j - 1]) {
                    length[i][j] = length[i - 1][j];
                    fromI[i][j] = i - 1;
                    fromJ[i][j] = j;
                } else {
                    length[i][j] = length[i][j - 1];
                    fromI[i][j] = i;
                    fromJ[i][j] = j - 1;
                }
            }
        }
        int[] match = new int[n];
        Arrays.fill(match, -1);
        int i = n;
        int j = m;
        while (i > 0 && j > 0) {
            int u = fromI[i][j];
            int v = fromJ[i][j];
            if (i - u == 1 && j - v == 1) {
                match[i - 1] = j - 1;
            }
            i = u;
            j = v;
        }
        return match;
    }
}
