package org.gner.structure;

import java.util.ArrayList;
import java.util.List;

/**
 * GNER's {@code extract}: scans the stripped text for {@code \(B-.*?\)|\(I-.*?\)|\(O\)} with Python
 * semantics ({@code .} excludes only '\n'); the word is the text between the previous match and this
 * one. Words and labels are Python-stripped, pairs with a blank word are dropped (the match still moves
 * the word start), and text after the last label is ignored.
 *
 * <p>A hand-written scanner instead of {@link java.util.regex.Pattern}: Java's {@code .} also excludes
 * '\r', U+0085, U+2028 and U+2029, and the scanner never rescans a stretch known to hold no ')' .
 */
public final class PredictionExtractor {
    private PredictionExtractor() {}

    public static ExtractedPrediction extract(String predictionText) {
        String text = PythonText.strip(predictionText);
        List<String> words = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int n = text.length();
        int wordStart = 0;
        // [openScanFrom, unclosedUntil): searched before, holds no ')' and ends at '\n' or the end.
        int openScanFrom = 0;
        int unclosedUntil = -1;
        int i = text.indexOf('(');
        while (i >= 0 && i + 2 < n) {
            int end = -1;
            char kind = text.charAt(i + 1);
            char third = text.charAt(i + 2);
            if (kind == 'O' && third == ')') {
                end = i + 3;
            } else if ((kind == 'B' || kind == 'I') && third == '-') {
                int from = i + 3;
                if (from < openScanFrom || from > unclosedUntil) {
                    int close = closingParen(text, from);
                    if (close >= 0) {
                        end = close + 1;
                    } else {
                        openScanFrom = from;
                        unclosedUntil = newlineOrEnd(text, from);
                    }
                }
            }
            if (end < 0) {
                i = text.indexOf('(', i + 1);
                continue;
            }
            String word = text.substring(wordStart, i);
            if (!PythonText.isBlank(word)) {
                words.add(PythonText.strip(word));
                labels.add(PythonText.strip(text.substring(i + 1, end - 1)));
            }
            wordStart = end;
            i = text.indexOf('(', end);
        }
        return new ExtractedPrediction(words, labels);
    }

    /** Index of the first ')' at or after {@code from} on the same line, or -1. */
    private static int closingParen(String text, int from) {
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == ')') {
                return j;
            }
            if (c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static int newlineOrEnd(String text, int from) {
        int nl = text.indexOf('\n', from);
        return nl < 0 ? text.length() : nl;
    }
}
