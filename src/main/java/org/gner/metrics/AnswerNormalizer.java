package org.gner.metrics;

import org.gner.structure.PythonText;

/**
 * GNER's (UniversalNER's) {@code normalize_answer}: Python lower-casing, removal of ASCII
 * {@code string.punctuation}, {@code re.sub(r'\b(a|an|the)\b', ' ', ...)} with Python's Unicode word
 * boundaries, then {@code ' '.join(text.split())}.
 */
public final class AnswerNormalizer {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String[] A_ARTICLES = {"a", "an"};
    private static final String[] T_ARTICLES = {"the"};

    private AnswerNormalizer() {}

    public static String normalize(String s) {
        String text = removePunctuation(PythonText.lower(s));
        text = removeArticles(text);
        return String.join(" ", PythonText.split(text));
    }

    static String removePunctuation(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80 && PUNCTUATION.indexOf(c) >= 0) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * The alternation tries "a" before "an", so "an" only matches where "a" is followed by a word
     * character; each match is replaced by one space and scanning resumes after it.
     */
    static String removeArticles(String text) {
        StringBuilder out = null;
        int copiedUpTo = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = articleEnd(text, i);
            if (end < 0) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copiedUpTo, i).append(' ');
            copiedUpTo = end;
            i = end;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copiedUpTo, n).toString();
    }

    /** End of {@code \b(a|an|the)\b} matched at {@code start}, or -1. */
    private static int articleEnd(String text, int start) {
        char c = text.charAt(start);
        if ((c != 'a' && c != 't') || (start > 0 && isWordCharBefore(text, start))) {
            return -1;
        }
        for (String article : c == 'a' ? A_ARTICLES : T_ARTICLES) {
            int end = start + article.length();
            if (text.startsWith(article, start) && (end == text.length() || !isWordCharAt(text, end))) {
                return end;
            }
        }
        return -1;
    }

    private static boolean isWordCharBefore(String text, int index) {
        return PythonText.isWordChar(text.codePointBefore(index));
    }

    private static boolean isWordCharAt(String text, int index) {
        return PythonText.isWordChar(text.codePointAt(index));
    }
}
