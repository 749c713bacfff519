package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBatchesTest {

    @Test
    void sortedBatchesTakeLongestFirstAndStayUnderTheBudget() {
        int[] lengths = {10, 50, 20, 50, 30, 10};
        List<int[]> batches = TokenBatches.plan(lengths, 100, 1, Integer.MAX_VALUE, true);
        assertArrayEquals(new int[] {1, 3}, batches.get(0)); // 2 x 50, ties in input order
        assertArrayEquals(new int[] {4, 2, 0}, batches.get(1)); // 3 x 30
        assertArrayEquals(new int[] {5}, batches.get(2));
        for (int[] batch : batches) {
            int longest = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
            assertTrue(batch.length * longest <= 100);
        }
        assertEquals(100 + 90 + 10, TokenBatches.paddedTokens(lengths, batches));
    }

    @Test
    void everyPromptIsInExactlyOneBatchEvenOverBudget() {
        int[] lengths = {500, 3, 700};
        List<int[]> batches = TokenBatches.plan(lengths, 100, 1, 8, true);
        assertEquals(3, batches.size());
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(new int[] {0, 1, 2}, all);
    }

    @Test
    void beamsAndRowCapShrinkBatches() {
        int[] lengths = {10, 10, 10, 10, 10, 10};
        assertEquals(3, TokenBatches.plan(lengths, 40, 2, 100, true).size()); // 2 rows x 10 x 2 beams
        assertEquals(2, TokenBatches.plan(lengths, 1000, 1, 4, true).size());
    }

    @Test
    void unsortedBatchesKeepInputOrderAndPadMore() {
        int[] lengths = {10, 100, 10, 100, 10, 100};
        List<int[]> unsorted = TokenBatches.plan(lengths, 200, 1, Integer.MAX_VALUE, false);
        assertArrayEquals(new int[] {0, 1}, unsorted.get(0));
        List<int[]> sorted = TokenBatches.plan(lengths, 200, 1, Integer.MAX_VALUE, true);
        assertTrue(TokenBatches.paddedTokens(lengths, sorted) < TokenBatches.paddedTokens(lengths, unsorted));
    }
}
