package org.gner.structure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * GNER's {@code extract_predictions} + {@code hierarchical_matching}: turns a generated text into one
 * label per input word. Labels outside {@code B-<l>}/{@code I-<l>} for the record's label list become
 * {@code O}; input and predicted words are lower-cased the Python way, input words then go through the
 * {@link WordNormalizer} (GNER's back-tokenization), and the lists are aligned exactly, as an in-order
 * subsequence, or by GNER's LCS.
 */
public final class PredictionStructurer {
    private static final String OUTSIDE = "O";

    private final WordNormalizer normalizer;

    public PredictionStructurer(WordNormalizer normalizer) {
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    }

    public StructuredPrediction structure(List<String> words, List<String> labelList, String predictionText) {
        ExtractedPrediction extracted = PredictionExtractor.extract(predictionText);
        List<String> predictedLabels = new ArrayList<>(extracted.labels().size());
        for (String label : extracted.labels()) {
            predictedLabels.add(isValid(label, labelList) ? label : OUTSIDE);
        }
        List<String> inputWords = new ArrayList<>(words.size());
        for (String word : words) {
            inputWords.add(normalizer.normalize(PythonText.lower(word)));
        }
        List<String> predictedWords = new ArrayList<>(extracted.words().size());
        for (String word : extracted.words()) {
            predictedWords.add(PythonText.lower(word));
        }

        if (inputWords.equals(predictedWords)) {
            return new StructuredPrediction(predictedLabels, MatchKind.EXACT);
        }
        int[] match = WordAlignment.inOrderSubsequence(inputWords, predictedWords);
        if (match != null) {
            MatchKind kind = predictedWords.isEmpty() ? MatchKind.EMPTY : MatchKind.SUBSEQUENCE;
            return new StructuredPrediction(labelsAt(match, predictedLabels), kind);
        }
        match = WordAlignment.longestCommonSubsequence(inputWords, predictedWords);
        return new StructuredPrediction(labelsAt(match, predictedLabels), MatchKind.LCS);
    }

    /** Whether {@code label} is {@code "B-" + l} or {@code "I-" + l} for some {@code l} in the list. */
    static boolean isValid(String label, List<String> labelList) {
        if (label.length() < 2 || label.charAt(1) != '-' || (label.charAt(0) != 'B' && label.charAt(0) != 'I')) {
            return false;
        }
        for (String l : labelList) {
            if (label.length() == l.length() + 2 && label.regionMatches(2, l, 0, l.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The label matched to each input word, {@code O} for unmatched ones. GNER's LCS branch also maps
     * empty labels to O; after validation none is empty, so doing it in every branch changes nothing.
     */
    private static List<String> labelsAt(int[] match, List<String> predictedLabels) {
        String[] labels = new String[match.length];
        Arrays.fill(labels, OUTSIDE);
        for (int i = 0; i < match.length; i++) {
            if (match[i] >= 0 && !predictedLabels.get(match[i]).isEmpty()) {
                labels[i] = predictedLabels.get(match[i]);
            }
        }
        return Arrays.asList(labels);
    }
}
