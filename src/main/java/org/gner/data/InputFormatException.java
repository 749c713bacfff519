package org.gner.data;

/**
 * Malformed input data: names the source (file path or name), the 1-based line (or record
 * number; 0 when the problem is not tied to one line) and the reason.
 *
 * <p>{@link #getMessage()} reads {@code source:line: reason}, e.g.
 * {@code data/mit-movie/test.txt:17: expected 'word<TAB>label', found no tab}; without a line it
 * reads {@code source: reason}; without a source just {@code reason}.
 */
public final class InputFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String reason;

    public InputFormatException(String source, long line, String reason) {
        this(source, line, reason, null);
    }

    public InputFormatException(String source, long line, String reason, Throwable cause) {
        super(format(source, line, reason), cause);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    private static String format(String source, long line, String reason) {
        if (source == null) {
            return reason;
        }
        return line > 0 ? source + ":" + line + ": " + reason : source + ": " + reason;
    }

    /** File path or name of the input; null when unknown (e.g. a single parsed JSON line). */
    public String source() {
        return source;
    }

    /** 1-based line or record number; 0 when not tied to one line. */
    public long line() {
        return line;
    }

    /** The reason alone, without source and line. */
    public String reason() {
        return reason;
    }

    /** This error located at {@code source:line} (keeps the reason; this becomes the cause). */
    public InputFormatException at(String newSource, long newLine) {
        return new InputFormatException(newSource, newLine, reason, this);
    }
}
