package org.gner.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Which sentences the error examples show: the first (in position order) with both false positives
 * and false negatives, then, if there are not enough, the first with either.
 */
public final class ExampleSelection {
    private ExampleSelection() {}

    public static int[] pick(SentenceCounts counts, int wanted) {
        List<Integer> both = new ArrayList<>();
        List<Integer> either = new ArrayList<>();
        for (int i = 0; i < counts.size() && both.size() < wanted; i++) {
            boolean falsePositive = counts.predicted()[i] > counts.correct()[i];
            boolean falseNegative = counts.gold()[i] > counts.correct()[i];
            if (falsePositive && falseNegative) {
                both.add(i);
            } else if ((falsePositive || falseNegative) && either.size() < wanted) {
                either.add(i);
            }
        }
        List<Integer> chosen = new ArrayList<>(both);
        for (int i = 0; i < either.size() && chosen.size() < wanted; i++) {
            chosen.add(either.get(i));
        }
        chosen.sort(null);
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
