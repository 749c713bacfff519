package org.gner.report;

import java.util.Locale;

/** Escaping and number formatting for the report: every piece of data goes through {@link #escape}. */
public final class Html {
    private Html() {}

    /** Text and attribute values alike: {@code & < > " '} become entities. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A fraction as a percentage with 2 decimals ({@code 0.61372} -> {@code 61.37}). */
    public static String pct(double fraction) {
        return Double.isNaN(fraction) ? "—" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    /** A difference of fractions in percentage points, signed ({@code +4.05}, {@code -0.30}). */
    public static String points(double delta) {
        return Double.isNaN(delta) ? "—" : String.format(Locale.ROOT, "%+.2f", 100 * delta);
    }

    public static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "—";
        }
        return p < 0.001 ? String.format(Locale.ROOT, "%.4f", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    public static String number(Double value, int decimals) {
        return value == null ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    public static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Background for an F1 cell: red (0) through yellow to green (1), light enough for dark text. */
    public static String f1Colour(double f1) {
        double hue = 120 * Math.max(0, Math.min(1, f1));
        return String.format(Locale.ROOT, "hsl(%.0f, 70%%, 82%%)", hue);
    }
}
