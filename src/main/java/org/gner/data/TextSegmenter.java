package org.gner.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits raw text into sentences and words the way GNER's corpora are tokenized, keeping every
 * word's character offsets (in code points). Deterministic: the result depends on the text and
 * {@code maxWords} only.
 *
 * <p><b>Words.</b> Whitespace separates words. Inside a run without whitespace:
 * <ul>
 *   <li>letters, digits and combining marks form a word;</li>
 *   <li>a hyphen between two of them stays inside the word ({@code state-of-the-art}, {@code COVID-19});</li>
 *   <li>a {@code .} or {@code ,} between two digits stays inside the word ({@code 3.14}, {@code 1,000});</li>
 *   <li>an apostrophe ({@code '} or {@code ’}) between two letters starts a new word that keeps it,
 *       as CrossNER splits clitics: {@code John's} is {@code John 's}, {@code don't} is {@code don 't};</li>
 *   <li>a run of single letters each followed by a period ({@code U.S.}, {@code e.g.}) is one word;</li>
 *   <li>a single letter or a common abbreviation ({@link #ABBREVIATIONS}: {@code Mr}, {@code Dr},
 *       {@code vs}, {@code etc}, ...) keeps a period that ends its whitespace-free run ({@code Mr.},
 *       {@code J.});</li>
 *   <li>every other character (punctuation, symbol, emoji) is a word of its own.</li>
 * </ul>
 *
 * <p><b>Sentences.</b> A sentence ends after a run of {@code .}, {@code !}, {@code ?} or {@code …}
 * words (and any closing quotes or brackets right after them) when whitespace follows and the next
 * word starts with an upper-case letter, a digit or an opening quote or bracket, or when the text
 * ends; a period kept by an abbreviation or an initial is not such a word, so {@code Dr. J. Doe} stays
 * one sentence (and an abbreviation that really ends a sentence does not end it). A blank line (two line breaks with only whitespace between) always ends a sentence. A sentence longer than
 * {@code maxWords} words is cut into pieces of {@code maxWords}, so prompts stay bounded.
 */
public final class TextSegmenter {
    /** Long enough for nearly every real sentence, short enough for GNER's 640-token outputs. */
    public static final int DEFAULT_MAX_WORDS = 100;

    public static final Set<String> ABBREVIATIONS = Set.of("Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt",
            "vs", "etc", "No", "Inc", "Ltd", "Co", "Corp", "Gen", "Col", "Lt", "Sgt", "Capt", "Rev", "Gov", "Sen",
            "Rep", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Fig", "al",
            "approx", "Ave", "Blvd", "Dept", "Univ", "Vol", "pp", "cf");

    private static final String TERMINATORS = ".!?…";
    private static final String CLOSERS = "\"'”’)]}»";
    private static final String OPENERS = "\"'“‘([{«";

    private final int maxWords;

    public TextSegmenter() {
        this(DEFAULT_MAX_WORDS);
    }

    public TextSegmenter(int maxWords) {
        if (maxWords < 1) {
            throw new IllegalArgumentException("maxWords must be at least 1, got " + maxWords);
        }
        this.maxWords = maxWords;
    }

    public List<TextSentence> segment(String text) {
        int[] cps = text.codePoints().toArray();
        List<TextWord> words = words(cps);
        List<TextSentence> sentences = new ArrayList<>();
        List<TextWord> current = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            current.add(words.get(i));
            if (endsSentence(cps, words, i)) {
                addCut(sentences, current);
                current = new ArrayList<>();
            }
        }
        addCut(sentences, current);
        return sentences;
    }

    private void addCut(List<TextSentence> sentences, List<TextWord> words) {
        for (int from = 0; from < words.size(); from += maxWords) {
            sentences.add(TextSentence.of(words.subList(from, Math.min(words.size(), from + maxWords))));
        }
    }

    // ------------------------------------------------------------------ sentences

    private static boolean endsSentence(int[] cps, List<TextWord> words, int i) {
        if (i + 1 == words.size()) {
            return true;
        }
        TextWord word = words.get(i);
        TextWord next = words.get(i + 1);
        if (blankLineBetween(cps, word.end(), next.start())) {
            return true;
        }
        if (next.start() == word.end()) {
            return false; // no whitespace before the next word
        }
        int k = i;
        while (k >= 0 && isOneOf(words.get(k), CLOSERS)) {
            k--;
        }
        if (k < 0 || !isOneOf(words.get(k), TERMINATORS)) {
            return false;
        }
        int first = next.text().codePointAt(0);
        return Character.isUpperCase(first) || Character.isTitleCase(first) || Character.isDigit(first)
                || OPENERS.indexOf(first) >= 0;
    }

    private static boolean isAbbreviation(String word) {
        return ABBREVIATIONS.contains(word) || (word.codePointCount(0, word.length()) == 1
                && Character.isLetter(word.codePointAt(0)));
    }

    private static boolean isOneOf(TextWord word, String characters) {
        return word.text().codePointCount(0, word.text().length()) == 1
                && characters.indexOf(word.text().codePointAt(0)) >= 0;
    }

    private static boolean blankLineBetween(int[] cps, int from, int to) {
        int breaks = 0;
        for (int i = from; i < to; i++) {
            if (cps[i] == '\n') {
                breaks++;
            } else if (cps[i] == '\r' && (i + 1 >= to || cps[i + 1] != '\n')) {
                breaks++; // a lone CR (old Mac line end)
            }
        }
        return breaks >= 2;
    }

    // ------------------------------------------------------------------ words

    /** The words of a text as code points, with code-point offsets. */
    static List<TextWord> words(int[] cps) {
        List<TextWord> words = new ArrayList<>();
        int i = 0;
        while (i < cps.length) {
            if (isSpace(cps[i])) {
                i++;
                continue;
            }
            int chunkEnd = i;
            while (chunkEnd < cps.length && !isSpace(cps[chunkEnd])) {
                chunkEnd++;
            }
            splitChunk(cps, i, chunkEnd, words);
            i = chunkEnd;
        }
        return words;
    }

    private static void splitChunk(int[] cps, int start, int end, List<TextWord> words) {
        if (isInitialism(cps, start, end)) {
            words.add(word(cps, start, end));
            return;
        }
        int i = start;
        while (i < end) {
            int j;
            if (isWordChar(cps[i])) {
                j = scanWord(cps, i, end);
            } else if (isApostrophe(cps[i]) && i > start && Character.isLetter(cps[i - 1]) && i + 1 < end
                    && Character.isLetter(cps[i + 1])) {
                j = scanWord(cps, i + 1, end); // a clitic keeps its apostrophe: 's, 't
            } else {
                j = i + 1;
            }
            if (j + 1 == end && cps[j] == '.' && isAbbreviation(new String(cps, i, j - i))) {
                j++; // "Mr.", "J.": the period belongs to the word
            }
            words.add(word(cps, i, j));
            i = j;
        }
    }

    /** The end of the word starting with the word character at {@code i}. */
    private static int scanWord(int[] cps, int i, int end) {
        int j = i + 1;
        while (j < end) {
            if (isWordChar(cps[j])) {
                j++;
            } else if (j + 1 < end && isWordChar(cps[j + 1]) && joins(cps[j - 1], cps[j], cps[j + 1])) {
                j += 2;
            } else {
                break;
            }
        }
        return j;
    }

    /** A hyphen between word characters, or a period or comma between digits. */
    private static boolean joins(int before, int c, int after) {
        if (c == '-') {
            return true;
        }
        return (c == '.' || c == ',') && Character.isDigit(before) && Character.isDigit(after);
    }

    /** {@code U.S.}, {@code e.g.}: two or more single letters, each followed by a period. */
    private static boolean isInitialism(int[] cps, int start, int end) {
        int n = end - start;
        if (n < 4 || n % 2 != 0) {
            return false;
        }
        for (int i = start; i < end; i += 2) {
            if (!Character.isLetter(cps[i]) || cps[i + 1] != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWordChar(int c) {
        if (Character.isLetterOrDigit(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean isApostrophe(int c) {
        return c == '\'' || c == '’';
    }

    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }

    private static TextWord word(int[] cps, int start, int end) {
        return new TextWord(new String(cps, start, end - start), start, end);
    }
}
