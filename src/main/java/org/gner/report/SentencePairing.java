package org.gner.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs one dataset's sentences of two runs by key (sentence id and words): for each baseline
 * sentence, the index of the same sentence in the other run. Repeated keys pair in order of position.
 */
public final class SentencePairing {
    private SentencePairing() {}

    /** The other run's index per baseline sentence, or empty when the two do not hold the same sentences. */
    public static Optional<int[]> align(String[] baselineKeys, String[] otherKeys) {
        if (baselineKeys.length != otherKeys.length) {
            return Optional.empty();
        }
        Map<String, Deque<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < otherKeys.length; i++) {
            byKey.computeIfAbsent(otherKeys[i], k -> new ArrayDeque<>()).addLast(i);
        }
        int[] order = new int[baselineKeys.length];
        for (int i = 0; i < baselineKeys.length; i++) {
            Deque<Integer> candidates = byKey.get(baselineKeys[i]);
            if (candidates == null || candidates.isEmpty()) {
                return Optional.empty();
            }
            order[i] = candidates.removeFirst();
        }
        return Optional.of(order);
    }
}
