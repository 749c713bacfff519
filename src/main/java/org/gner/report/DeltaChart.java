package org.gner.report;

import static org.gner.report.Html.coordinate;
import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.List;


/**
 * ΔF1 of one run against the baseline with its 95% interval, one row per dataset and one for the
 * average (a forest plot): green when the interval lies above 0, red below, grey when it holds 0.
 */
public final class DeltaChart {
    private static final int WIDTH = 760;
    private static final int ROW = 28;
    private static final int LEFT = 170;
    private static final int RIGHT = 90;
    private static final int TOP = 34;
    private static final int BOTTOM = 36;

    private DeltaChart() {}

    public static String svg(RunComparison comparison) {
        List<String> rows = new ArrayList<>(comparison.perDataset().keySet());
        rows.add("average");
        List<DeltaEstimate> estimates = new ArrayList<>(comparison.perDataset().values());
        estimates.add(comparison.average());
        double extent = 0.01;
        for (DeltaEstimate e : estimates) {
            extent = Math.max(extent, Math.abs(finiteOr(e.low(), e.delta())));
            extent = Math.max(extent, Math.abs(finiteOr(e.high(), e.delta())));
            extent = Math.max(extent, Math.abs(e.delta()));
        }
        double step = tickStep(extent * 100);
        double limit = Math.ceil(extent * 100 / step) * step;
        int height = TOP + ROW * rows.size() + BOTTOM;
        double plotWidth = WIDTH - LEFT - RIGHT;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n");
        s.append("<title>").append(escape("ΔF1 " + comparison.run() + " − " + comparison.baseline()))
                .append("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        s.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\">")
                .append(escape("ΔF1 (points): " + comparison.run() + " − " + comparison.baseline()
                        + (comparison.paired() ? ", 95% paired-bootstrap interval" : ", no interval")))
                .append("</text>\n");
        for (double tick = -limit; tick <= limit + 1e-9; tick += step) {
            double x = LEFT + plotWidth * (tick + limit) / (2 * limit);
            s.append("<line x1=\"").append(coordinate(x)).append("\" x2=\"").append(coordinate(x)).append("\" y1=\"")
                    .append(TOP).append("\" y2=\"").append(height - BOTTOM).append("\" stroke=\"")
                    .append(Math.abs(tick) < 1e-9 ? "#333" : "#e3e3e3").append("\"/>\n");
            s.append("<text x=\"").append(coordinate(x)).append("\" y=\"").append(height - BOTTOM + 16)
                    .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">")
                    .append(String.format(java.util.Locale.ROOT, "%+.1f", tick).replace("+0.0", "0").replace("-0.0", "0"))
                    .append("</text>\n");
        }
        for (int i = 0; i < rows.size(); i++) {
            DeltaEstimate e = estimates.get(i);
            double y = TOP + ROW * (i + 0.5);
            String colour = !comparison.paired() || !e.significant() ? "#888888" : e.delta() > 0 ? "#2e8540" : "#c0392b";
            s.append("<text x=\"").append(LEFT - 10).append("\" y=\"").append(coordinate(y + 4))
                    .append("\" font-size=\"12\" text-anchor=\"end\"")
                    .append(i == rows.size() - 1 ? " font-weight=\"bold\"" : "").append('>')
                    .append(escape(rows.get(i))).append("</text>\n");
            if (!Double.isNaN(e.low())) {
                s.append("<line x1=\"").append(coordinate(x(e.low(), limit, plotWidth))).append("\" x2=\"")
                        .append(coordinate(x(e.high(), limit, plotWidth))).append("\" y1=\"").append(coordinate(y))
                        .append("\" y2=\"").append(coordinate(y)).append("\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"3\"/>\n");
            }
            if (!Double.isNaN(e.delta())) {
                s.append("<circle cx=\"").append(coordinate(x(e.delta(), limit, plotWidth))).append("\" cy=\"")
                        .append(coordinate(y)).append("\" r=\"5\" fill=\"").append(colour).append("\"/>\n");
            }
            s.append("<text x=\"").append(WIDTH - RIGHT + 8).append("\" y=\"").append(coordinate(y + 4))
                    .append("\" font-size=\"12\">").append(Html.points(e.delta()))
                    .append(Double.isNaN(e.pValue()) ? "" : e.pValue() < 0.05 ? " *" : "").append("</text>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(double delta, double limit, double plotWidth) {
        return LEFT + plotWidth * (100 * delta + limit) / (2 * limit);
    }

    private static double finiteOr(double value, double fallback) {
        return Double.isNaN(value) ? fallback : value;
    }

    /** 1, 2 or 5 times a power of ten, giving 2 to 5 ticks on each side of 0. */
    static double tickStep(double extent) {
        double raw = extent / 4;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }

}
