package org.gner.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts prompts into batches under a token budget. A batch costs {@code rows x longest prompt x beams}
 * padded tokens (what the encoder or the prefill actually computes); each batch takes as many prompts
 * as fit, at least one. Sorting by length first (longest first, ties in input order) puts prompts of
 * similar length together, so little of that cost is padding; and the largest batch runs first, so
 * a budget too big for the device fails at once.
 */
public final class TokenBatches {
    private TokenBatches() {}

    /**
     * @param lengths prompt lengths in tokens, by input index
     * @return the batches, each an array of input indices
     */
    public static List<int[]> plan(int[] lengths, long budgetTokens, int beams, int maxRows, boolean sortByLength) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        if (sortByLength) {
            java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -lengths[i]).thenComparingInt(i -> i));
        }
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int longest = 0;
        for (int index : order) {
            int candidateLongest = Math.max(longest, lengths[index]);
            long cost = (long) (current.size() + 1) * candidateLongest * beams;
            if (!current.isEmpty() && (cost > budgetTokens || current.size() >= maxRows)) {
                batches.add(toArray(current));
                current.clear();
                candidateLongest = lengths[index];
            }
            current.add(index);
            longest = candidateLongest;
        }
        if (!current.isEmpty()) {
            batches.add(toArray(current));
        }
        return batches;
    }

    /** Tokens the batches compute, padding included: the sum of rows x longest prompt. */
    public static long paddedTokens(int[] lengths, List<int[]> batches) {
        long total = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
            }
            total += (long) batch.length * longest;
        }
        return total;
    }

    private static int[] toArray(List<Integer> indices) {
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }
}
