package org.gner.generate;

/**
 * GNER's post-processing of LLaMA generations ({@code compute_ner_metrics} in GNER's
 * {@code src/run.py}): the whole output sequence, prompt included, is decoded with
 * {@code skip_special_tokens=True}, and the prediction is what follows the first {@code [/INST]},
 * stripped of whitespace.
 */
public final class LlamaOutputs {
    /** Ends GNER's LLaMA prompt {@code "[INST] {instruction_inputs} [/INST]"}. */
    public static final String END_OF_INSTRUCTION = "[/INST]";

    private LlamaOutputs() {}

    /**
     * Python's {@code preds[preds.find("[/INST]") + len("[/INST]"):].strip()}, quirk included:
     * without any {@code [/INST]}, {@code find} returns -1 and the slice drops the first 6
     * characters (code points, as Python counts them).
     */
    public static String generationText(String decodedFullSequence) {
        String text = decodedFullSequence;
        int found = text.indexOf(END_OF_INSTRUCTION);
        int start;
        if (found >= 0) {
            start = found + END_OF_INSTRUCTION.length();
        } else {
            int dropped = Math.min(END_OF_INSTRUCTION.length() - 1, text.codePointCount(0, text.length()));
            start = text.offsetByCodePoints(0, dropped);
        }
        return pythonStrip(text.substring(start));
    }

    /** {@code str.strip()}: trims what Python's {@code str.isspace} calls whitespace. */
    static String pythonStrip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isPythonSpace(s.codePointAt(begin))) {
            begin += Character.charCount(s.codePointAt(begin));
        }
        while (end > begin && isPythonSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(begin, end);
    }

    /**
     * Python's whitespace: bidirectional class WS, B or S, or category Zs. Unlike Java's
     * {@code Character.isWhitespace} it includes U+0085 and the no-break spaces U+00A0, U+2007, U+202F.
     */
    static boolean isPythonSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
