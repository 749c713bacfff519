package org.gner.report;

import static org.gner.report.Html.coordinate;
import static org.gner.report.Html.escape;

import java.util.List;

/**
 * The entity-confidence charts of one dataset and run, as small hand-written SVGs: the reliability
 * diagram (per confidence bin, the share of entities that were gold, against the diagonal of perfect
 * calibration, with each bin's count) and P / R / F1 against the confidence threshold.
 */
final class ConfidenceCharts {
    private static final int SIZE = 260;
    private static final int LEFT = 40;
    private static final int TOP = 28;
    private static final int PLOT = 180;

    private ConfidenceCharts() {}

    static String reliability(String title, List<RunConfidence.Bin> bins) {
        StringBuilder s = open(title);
        axes(s, "confidence", "share gold");
        s.append(line(0, 0, 1, 1, "#999", "4 3"));
        for (RunConfidence.Bin b : bins) {
            double x = x(b.from()) + 1;
            double w = x(b.to()) - x(b.from()) - 2;
            if (b.count() == 0 || Double.isNaN(b.goldRate())) {
                continue;
            }
            double y = y(b.goldRate());
            s.append("<rect x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y)).append("\" width=\"")
                    .append(coordinate(w)).append("\" height=\"").append(coordinate(TOP + PLOT - y))
                    .append("\" fill=\"#4c78a8\" fill-opacity=\"0.75\"><title>")
                    .append(escape(String.format(java.util.Locale.ROOT, "%.1f-%.1f: %d entities, mean confidence %.3f,"
                            + " gold %.3f", b.from(), b.to(), b.count(), b.meanConfidence(), b.goldRate())))
                    .append("</title></rect>\n");
            s.append("<text x=\"").append(coordinate(x + w / 2)).append("\" y=\"").append(coordinate(y - 3))
                    .append("\" font-size=\"8\" text-anchor=\"middle\" fill=\"#333\">").append(b.count())
                    .append("</text>\n");
        }
        return s.append("</svg>").toString();
    }

    static String thresholds(String title, List<RunConfidence.ThresholdPoint> points) {
        StringBuilder s = open(title);
        axes(s, "threshold", "%");
        polyline(s, points, "#e45756", 'p');
        polyline(s, points, "#54a24b", 'r');
        polyline(s, points, "#222222", 'f');
        int legendY = TOP + PLOT + 32;
        legend(s, LEFT, legendY, "#222222", "F1");
        legend(s, LEFT + 60, legendY, "#e45756", "precision");
        legend(s, LEFT + 150, legendY, "#54a24b", "recall");
        return s.append("</svg>").toString();
    }

    private static void polyline(StringBuilder s, List<RunConfidence.ThresholdPoint> points, String colour,
            char which) {
        s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.8\" points=\"");
        for (RunConfidence.ThresholdPoint p : points) {
            double v = which == 'p' ? p.precision() : which == 'r' ? p.recall() : p.f1();
            s.append(coordinate(x(p.threshold()))).append(',').append(coordinate(y(v))).append(' ');
        }
        s.append("\"/>\n");
    }

    private static void legend(StringBuilder s, int x, int y, String colour, String label) {
        s.append("<line x1=\"").append(x).append("\" x2=\"").append(x + 14).append("\" y1=\"").append(y - 4)
                .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(colour)
                .append("\" stroke-width=\"2\"/>")
                .append("<text x=\"").append(x + 18).append("\" y=\"").append(y).append("\" font-size=\"10\">")
                .append(label).append("</text>\n");
    }

    private static StringBuilder open(String title) {
        StringBuilder s = new StringBuilder();
        int height = TOP + PLOT + 42;
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart small\" viewBox=\"0 0 ").append(SIZE)
                .append(' ').append(height).append("\" width=\"").append(SIZE).append("\" height=\"").append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n<title>").append(escape(title))
                .append("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
                .append("<text x=\"").append(LEFT).append("\" y=\"16\" font-size=\"11\" font-weight=\"bold\">")
                .append(escape(title)).append("</text>\n");
        return s;
    }

    private static void axes(StringBuilder s, String xLabel, String yLabel) {
        for (int tick = 0; tick <= 10; tick += 5) {
            double v = tick / 10.0;
            s.append(line(0, v, 1, v, "#e3e3e3", null));
            s.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(coordinate(y(v) + 3))
                    .append("\" font-size=\"9\" text-anchor=\"end\" fill=\"#555\">")
                    .append(yLabel.equals("%") ? String.valueOf(tick * 10) : String.valueOf(v)).append("</text>\n");
            s.append("<text x=\"").append(coordinate(x(v))).append("\" y=\"").append(TOP + PLOT + 12)
                    .append("\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555\">").append(v).append("</text>\n");
        }
        s.append("<text x=\"").append(coordinate(x(0.5))).append("\" y=\"").append(TOP + PLOT + 22)
                .append("\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555\">").append(xLabel).append("</text>\n");
        s.append(line(0, 0, 1, 0, "#555", null)).append(line(0, 0, 0, 1, "#555", null));
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return "<line x1=\"" + coordinate(x(x1)) + "\" y1=\"" + coordinate(y(y1)) + "\" x2=\"" + coordinate(x(x2))
                + "\" y2=\"" + coordinate(y(y2)) + "\" stroke=\"" + colour + "\""
                + (dash == null ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
    }

    private static double x(double v) {
        return LEFT + v * (SIZE - LEFT - 16);
    }

    private static double y(double v) {
        return TOP + PLOT * (1 - v);
    }
}
