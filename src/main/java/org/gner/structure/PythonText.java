package org.gner.structure;

import java.util.ArrayList;
import java.util.List;

/**
 * The few CPython 3 {@code str} operations GNER's evaluator relies on, reproduced exactly where they
 * differ from Java's: {@code isspace}/{@code strip}/{@code split} use a wider whitespace set than
 * {@link String#strip()}, {@code lower} decides the final sigma by case-ignorable context (Java uses
 * word boundaries), and {@code re}'s {@code \w} counts letters and all numbers but no marks.
 */
public final class PythonText {
    private static final char CAPITAL_SIGMA = '\u03A3';
    private static final char DOTTED_CAPITAL_I = '\u0130';

    private PythonText() {}

    /** {@code str.isspace} for one code point (Py_UNICODE_ISSPACE). */
    public static boolean isSpace(int cp) {
        if (cp < 0x80) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** {@code str.strip()} with no argument. All Python whitespace lies in the BMP. */
    public static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isSpace(s.charAt(begin))) {
            begin++;
        }
        while (end > begin && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(begin, end);
    }

    /** {@code s.strip() == ''}. */
    public static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code str.split()} with no argument: runs of whitespace separate, no empty parts. */
    public static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                parts.add(s.substring(start, i));
            }
        }
        return parts;
    }

    /**
     * {@code str.lower()}: the simple lower-case mapping, except U+0130 which becomes "i\u0307"
     * (its only unconditional full mapping) and U+03A3 which becomes final sigma in CPython's
     * Final_Sigma context.
     */
    public static String lower(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder out = new StringBuilder(n + 2).append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            if (cp == DOTTED_CAPITAL_I) {
                out.append("i\u0307");
            } else if (cp == CAPITAL_SIGMA) {
                out.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** CPython's handle_capital_sigma: cased, case-ignorable*, SIGMA, not (case-ignorable*, cased). */
    private static boolean isFinalSigma(String s, int sigmaIndex) {
        int j = sigmaIndex;
        int before = -1;
        while (j > 0) {
            int cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        j = sigmaIndex + 1;
        while (j < s.length()) {
            int cp = s.codePointAt(j);
            j += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    /** Unicode Cased property: Lowercase, Uppercase or titlecase letter. */
    static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter/MidNumLet/Single_Quote. */
    static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.FORMAT:
            case Character.MODIFIER_LETTER:
            case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) {
            case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
            case 0x2018: case 0x2019: case 0x2024: case 0x2027:
            case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
                return true;
            default:
                return false;
        }
    }

    /** {@code re}'s {@code \w} on str patterns: {@code ch.isalnum() or ch == '_'}. */
    public static boolean isWordChar(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
                    || cp == '_';
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }
}
