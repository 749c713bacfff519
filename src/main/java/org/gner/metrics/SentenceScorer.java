package org.gner.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sentence of GNER's {@code NEREvaluator.evaluate}: gold and predicted labels are parsed into
 * de-duplicated entities; a predicted entity is correct when the gold set holds it. Also splits the
 * counts by (normalized) entity type.
 */
public final class SentenceScorer {

    public SentenceScore score(List<String> words, List<String> goldLabels, List<String> predictedLabels) {
        List<Entity> gold = EntityParser.parse(words, goldLabels);
        List<Entity> predicted = EntityParser.parse(words, predictedLabels);
        Set<Entity> goldSet = new HashSet<>(gold);
        Map<String, int[]> perType = new LinkedHashMap<>();
        for (Entity entity : gold) {
            perType.computeIfAbsent(entity.type(), t -> new int[3])[2]++;
        }
        int correct = 0;
        for (Entity entity : predicted) {
            int[] counts = perType.computeIfAbsent(entity.type(), t -> new int[3]);
            counts[1]++;
            if (goldSet.contains(entity)) {
                counts[0]++;
                correct++;
            }
        }
        List<LabelCount> perLabel = new ArrayList<>(perType.size());
        perType.forEach((type, c) -> perLabel.add(new LabelCount(type, c[0], c[1], c[2])));
        return new SentenceScore(correct, predicted.size(), gold.size(), perLabel);
    }
}
