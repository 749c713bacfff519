package org.gner.train;

import java.util.ArrayList;
import java.util.List;
import org.gner.prompt.GnerExample;
import org.gner.prompt.PromptBuilder;

/**
 * What a training target spells out. GNER's recipe ({@link #FULL}) labels every word, {@code O}
 * included: the "negative instances". {@link #ENTITIES} keeps only the words of entities (the
 * paper's "w/o negative instances" ablation); a sentence without entities then has an empty target.
 */
public enum TargetStyle {
    FULL,
    ENTITIES;

    public String target(GnerExample example) {
        if (this == FULL) {
            return example.target();
        }
        List<String> words = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < example.words().size(); i++) {
            if (!"O".equals(example.labels().get(i))) {
                words.add(example.words().get(i));
                labels.add(example.labels().get(i));
            }
        }
        return PromptBuilder.promptLabels(words, labels);
    }

    /** Parses {@code full} or {@code entities} (any case). */
    public static TargetStyle parse(String value) {
        for (TargetStyle style : values()) {
            if (style.name().equalsIgnoreCase(value)) {
                return style;
            }
        }
        throw new IllegalArgumentException("target style must be full or entities, not '" + value + "'");
    }
}
