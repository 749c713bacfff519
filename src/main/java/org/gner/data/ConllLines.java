package org.gner.data;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The line rules of a CoNLL split file (see {@link ConllReader}), for any reader of its lines: a
 * whitespace-only line ends a sentence; any other is {@code word<TAB>...<TAB>label}, its label checked
 * against the dataset's labels. One instance per reader: it remembers the labels it has checked.
 */
public final class ConllLines {
    private final Set<String> known;
    private final Map<String, String> typeMapping;
    // The label strings repeat a lot; share one instance per distinct label.
    private final Map<String, String> checked = new HashMap<>();

    /** @param labels the (already mapped) label names of {@code label.txt} */
    public ConllLines(List<String> labels, Map<String, String> typeMapping) {
        this.known = new HashSet<>(labels);
        this.typeMapping = typeMapping;
        checked.put("O", "O");
    }

    /** A word and its (mapped) BIO label. */
    public record Token(String word, String label) {}

    /** The line as the rules read it: without a trailing {@code \r}, and on the file's first line without a BOM. */
    public static String clean(String line, boolean firstLineOfFile) {
        String noCr = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        return firstLineOfFile && noCr.startsWith("\uFEFF") ? noCr.substring(1) : noCr;
    }

    /** Whether a cleaned line ends a sentence. */
    public static boolean isBreak(String line) {
        return line.isBlank();
    }

    /** The token of a cleaned non-break line; an {@link InputFormatException} at {@code source:lineNo} otherwise. */
    public Token token(String line, String source, long lineNo) {
        int firstTab = line.indexOf('\t');
        if (firstTab < 0) {
            throw new InputFormatException(source, lineNo, "expected 'word<TAB>label', found no tab");
        }
        String word = line.substring(0, firstTab);
        String rawLabel = line.substring(line.lastIndexOf('\t') + 1);
        if (word.isEmpty()) {
            throw new InputFormatException(source, lineNo, "empty word before the tab");
        }
        if (rawLabel.isEmpty()) {
            throw new InputFormatException(source, lineNo, "empty label after the tab");
        }
        String label = checked.get(rawLabel);
        if (label == null) {
            label = checkLabel(rawLabel, source, lineNo);
            checked.put(rawLabel, label);
        }
        return new Token(word, label);
    }

    private String checkLabel(String raw, String source, long lineNo) {
        if (raw.length() < 3 || (raw.charAt(0) != 'B' && raw.charAt(0) != 'I') || raw.charAt(1) != '-') {
            throw new InputFormatException(source, lineNo,
                    "label '" + raw + "' is not O, B-<type> or I-<type>");
        }
        String rawType = raw.substring(2);
        String type = typeMapping.getOrDefault(rawType, rawType);
        if (!known.contains(type)) {
            throw new InputFormatException(source, lineNo, "entity type '" + type + "' of label '" + raw
                    + "' is not in label.txt " + known.stream().sorted().toList());
        }
        return raw.substring(0, 2) + type;
    }
}
