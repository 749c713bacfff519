package org.gner.annotate;

import java.util.List;
import org.gner.data.TextSentence;
import org.gner.generate.PromptResult;
import org.gner.structure.MatchKind;

/**
 * One sentence of a text: its words, the model's output and what was read from it. On failure
 * {@code error} says why and the labels, match kind and entity lists are null.
 *
 * @param index         the sentence's position in its text
 * @param result        the generation (tokens, passes, truncation)
 * @param wordLabels    one label per word (O included)
 * @param entities      entities at or above the annotator's minimum confidence (or without one)
 * @param lowConfidence entities below it
 */
public record SentenceAnnotation(int index, TextSentence sentence, PromptResult result, List<String> wordLabels,
        MatchKind matchKind, List<EntityAnnotation> entities, List<EntityAnnotation> lowConfidence, String error) {

    public boolean failed() {
        return error != null;
    }
}
