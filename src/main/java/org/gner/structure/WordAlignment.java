package org.gner.structure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GNER's two word alignments. Both return, for each word of {@code a} (the input words), the index
 * of the word of {@code b} (the predicted words) it is matched to, or -1.
 */
public final class WordAlignment {
    private WordAlignment() {}

    /**
     * {@code contains_in_order}: matches each word of {@code b} to its first occurrence in {@code a}
     * after the previous match; null when {@code b} is not such a subsequence. An empty {@code b}
     * gives all -1.
     */
    public static int[] inOrderSubsequence(List<String> a, List<String> b) {
        int[] match = new int[a.size()];
        Arrays.fill(match, -1);
        if (b.isEmpty()) {
            return match;
        }
        int next = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(next))) {
                match[i] = next++;
                if (next == b.size()) {
                    return match;
                }
            }
        }
        return null;
    }

    /**
     * {@code lcs_solve_fast}: LCS reduced to a longest strictly increasing subsequence over the
     * b-indices of every (a word, equal b word) pair, listed by a-index ascending and, within one
     * a-word, by b-index descending. Each new element links to the element most recently placed on
     * the level below, and the trace starts from the element most recently placed on the top level;
     * this fixes which of several longest alignments wins, and it differs from the textbook DP.
     */
    public static int[] longestCommonSubsequence(List<String> a, List<String> b) {
        int[] match = new int[a.size()];
        Arrays.fill(match, -1);
        Map<String, List<Integer>> positionsInB = new HashMap<>();
        for (int j = b.size() - 1; j >= 0; j--) {
            positionsInB.computeIfAbsent(b.get(j), k -> new ArrayList<>(2)).add(j);
        }
        IntList bIndex = new IntList();
        IntList aIndex = new IntList();
        for (int i = 0; i < a.size(); i++) {
            List<Integer> positions = positionsInB.get(a.get(i));
            if (positions != null) {
                for (int j : positions) {
                    bIndex.add(j);
                    aIndex.add(i);
                }
            }
        }
        // levels.get(k): elements placed at LIS length k, in placement order; an element is
        // {parent position in level k-1, position in bIndex}. Level 0 is the sentinel.
        List<IntList> levelParent = new ArrayList<>();
        List<IntList> levelElement = new ArrayList<>();
        IntList tails = new IntList();
        levelParent.add(IntList.of(-1));
        levelElement.add(IntList.of(-1));
        tails.add(-1);
        for (int e = 0; e < bIndex.size(); e++) {
            int value = bIndex.get(e);
            int level;
            if (value > tails.get(tails.size() - 1)) {
                level = tails.size();
                levelParent.add(new IntList());
                levelElement.add(new IntList());
                tails.add(value);
            } else {
                level = lowestAtLeast(tails, value);
                tails.set(level, value);
            }
            levelParent.get(level).add(levelElement.get(level - 1).size() - 1);
            levelElement.get(level).add(e);
        }
        int position = levelElement.get(levelElement.size() - 1).size() - 1;
        for (int level = levelElement.size() - 1; level > 0; level--) {
            int e = levelElement.get(level).get(position);
            match[aIndex.get(e)] = bIndex.get(e);
            position = levelParent.get(level).get(position);
        }
        return match;
    }

    /** Python's binary search: the lowest k with tails[k] >= value (exists: the last tail is). */
    private static int lowestAtLeast(IntList tails, int value) {
        int lo = 0;
        int hi = tails.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (tails.get(mid) >= value) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    /** A growable int array, to keep boxing out of the alignment loops. */
    private static final class IntList {
        private int[] values = new int[8];
        private int size;

        static IntList of(int value) {
            IntList list = new IntList();
            list.add(value);
            return list;
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }

        void set(int index, int value) {
            values[index] = value;
        }

        int size() {
            return size;
        }
    }
}
