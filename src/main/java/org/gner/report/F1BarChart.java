package org.gner.report;

import static org.gner.report.Html.coordinate;
import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.List;
import org.gner.metrics.DatasetMetrics;

/**
 * Per-dataset F1 as grouped bars (one group per dataset plus the average, one bar per run, values
 * printed on the bars), in the style of the figure in GNER's README. Hand-written SVG: the report
 * must open without any network request, and a dozen rectangles do not need a charting library.
 */
public final class F1BarChart {
    private static final int WIDTH = 1160;
    private static final int PLOT_HEIGHT = 332;
    private static final double CHAR_WIDTH = 6.8;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 44;

    private F1BarChart() {}

    public static String svg(List<EvaluatedRun> runs, List<String> datasets) {
        List<String> groups = new ArrayList<>(datasets);
        groups.add("average");
        double plotHeight = PLOT_HEIGHT;
        double groupWidth = (WIDTH - LEFT - RIGHT) / (double) groups.size();
        int longest = groups.stream().mapToInt(String::length).max().orElse(0);
        // dataset names that do not fit under their group are slanted instead of overlapping; the first
        // one then reaches left of the plot, which moves right to make room
        boolean slanted = longest * CHAR_WIDTH > groupWidth * 0.95;
        int left = slanted ? (int) Math.max(LEFT, 0.87 * groups.get(0).length() * CHAR_WIDTH - groupWidth / 2 + 8)
                : LEFT;
        double plotWidth = WIDTH - left - RIGHT;
        groupWidth = plotWidth / groups.size();
        int bottom = slanted ? (int) (30 + longest * CHAR_WIDTH * 0.5) : 64;
        int height = (int) (TOP + plotHeight + bottom);
        double barWidth = groupWidth * 0.8 / runs.size();
        boolean verticalValues = barWidth < 34;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n");
        s.append("<title>F1 per dataset</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        for (int tick = 0; tick <= 100; tick += 20) {
            double y = TOP + plotHeight * (1 - tick / 100.0);
            s.append("<line x1=\"").append(left).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(coordinate(y)).append("\" y2=\"").append(coordinate(y))
                    .append("\" stroke=\"#e3e3e3\"/>\n");
            s.append("<text x=\"").append(left - 6).append("\" y=\"").append(coordinate(y + 4))
                    .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#555\">").append(tick).append("</text>\n");
        }
        s.append("<text x=\"14\" y=\"").append(coordinate(TOP + plotHeight / 2))
                .append("\" font-size=\"12\" fill=\"#555\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(coordinate(TOP + plotHeight / 2)).append(")\">F1 (%)</text>\n");
        for (int g = 0; g < groups.size(); g++) {
            double groupLeft = left + g * groupWidth + groupWidth * 0.1;
            for (int r = 0; r < runs.size(); r++) {
                double f1 = value(runs.get(r), groups.get(g), g == groups.size() - 1);
                if (Double.isNaN(f1)) {
                    continue;
                }
                double h = plotHeight * f1;
                double x = groupLeft + r * barWidth;
                double y = TOP + plotHeight - h;
                s.append("<rect x=\"").append(coordinate(x + 1)).append("\" y=\"").append(coordinate(y))
                        .append("\" width=\"").append(coordinate(barWidth - 2)).append("\" height=\"")
                        .append(coordinate(h)).append("\" fill=\"").append(RunColours.of(r)).append("\"><title>")
                        .append(escape(runs.get(r).name() + " · " + groups.get(g) + ": " + Html.pct(f1)))
                        .append("</title></rect>\n");
                double cx = x + barWidth / 2;
                if (verticalValues) {
                    s.append("<text x=\"").append(coordinate(cx + 4)).append("\" y=\"").append(coordinate(y - 4))
                            .append("\" font-size=\"11\" transform=\"rotate(-90 ").append(coordinate(cx + 4))
                            .append(' ').append(coordinate(y - 4)).append(")\">").append(Html.pct(f1))
                            .append("</text>\n");
                } else {
                    s.append("<text x=\"").append(coordinate(cx)).append("\" y=\"").append(coordinate(y - 4))
                            .append("\" font-size=\"11\" text-anchor=\"middle\">").append(Html.pct(f1))
                            .append("</text>\n");
                }
            }
            double labelX = left + (g + 0.5) * groupWidth;
            double labelY = TOP + plotHeight + 18;
            s.append("<text x=\"").append(coordinate(labelX)).append("\" y=\"").append(coordinate(labelY))
                    .append(slanted ? "\" font-size=\"12\" text-anchor=\"end\" transform=\"rotate(-30 "
                            + coordinate(labelX) + " " + coordinate(labelY) + ")\"" : "\" font-size=\"12\" text-anchor=\"middle\"")
                    .append(g == groups.size() - 1 ? " font-weight=\"bold\"" : "").append('>')
                    .append(escape(groups.get(g))).append("</text>\n");
        }
        s.append("<line x1=\"").append(left).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(TOP + plotHeight).append("\" y2=\"").append(TOP + plotHeight).append("\" stroke=\"#333\"/>\n");
        legend(s, runs);
        s.append("</svg>\n");
        return s.toString();
    }

    private static double value(EvaluatedRun run, String dataset, boolean average) {
        if (average) {
            return run.averageF1();
        }
        DatasetMetrics d = run.dataset(dataset);
        return d == null ? Double.NaN : d.f1();
    }

    private static void legend(StringBuilder s, List<EvaluatedRun> runs) {
        double x = LEFT;
        for (int r = 0; r < runs.size(); r++) {
            s.append("<rect x=\"").append(coordinate(x)).append("\" y=\"12\" width=\"14\" height=\"14\" fill=\"")
                    .append(RunColours.of(r)).append("\"/>\n");
            s.append("<text x=\"").append(coordinate(x + 20)).append("\" y=\"24\" font-size=\"13\">")
                    .append(escape(runs.get(r).name())).append("</text>\n");
            x += 40 + 7.5 * runs.get(r).name().length();
        }
    }
}
