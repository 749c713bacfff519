package org.gner.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Length-bucketed batches under a token budget: examples are shuffled, sorted by length (so ties
 * stay shuffled), cut into runs whose padded size {@code rows * (longest prompt + longest target)}
 * fits the budget, and the runs are shuffled. The plan depends only on the lengths and the seed.
 */
public final class TokenBudgetBatches {
    private TokenBudgetBatches() {}

    /** Batches of indices into {@code examples}; an example over the budget alone is its own batch. */
    public static List<List<Integer>> plan(List<TokenizedExample> examples, int budget, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> order = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        shuffle(order, random);
        order.sort(Comparator.comparingInt(i -> examples.get(i).tokens()));
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int longestPrompt = 0;
        int longestTarget = 0;
        for (int i : order) {
            TokenizedExample e = examples.get(i);
            int prompt = Math.max(longestPrompt, e.prompt().length);
            int target = Math.max(longestTarget, e.target().length);
            if (!current.isEmpty() && (long) (current.size() + 1) * (prompt + target) > budget) {
                batches.add(Collections.unmodifiableList(current));
                current = new ArrayList<>();
                prompt = e.prompt().length;
                target = e.target().length;
            }
            current.add(i);
            longestPrompt = prompt;
            longestTarget = target;
        }
        if (!current.isEmpty()) {
            batches.add(Collections.unmodifiableList(current));
        }
        shuffle(batches, random);
        return Collections.unmodifiableList(batches);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
