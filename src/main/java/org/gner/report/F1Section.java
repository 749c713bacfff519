package org.gner.report;

import static org.gner.report.Html.escape;

import org.gner.metrics.DatasetMetrics;

/** Section 2: the grouped F1 bar chart and the same numbers as a P / R / F1 table. */
final class F1Section {
    static final String CHART_FILE = "f1_by_dataset.svg";

    private F1Section() {}

    static void render(ReportContent content, String chart, StringBuilder h) {
        h.append("<section id=\"f1\"><h2>2. F1 per dataset</h2>\n");
        h.append("<p class=\"note\">Strict entity-level precision, recall and F1 in percent, computed as GNER's"
                + " <code>evaluate.py</code> does (the numbers of each run's <code>metrics.json</code>). Chart also in"
                + " <a href=\"").append(CHART_FILE).append("\">").append(CHART_FILE).append("</a>.</p>\n");
        h.append("<div class=\"figure\">").append(chart).append("</div>\n");
        h.append("<table class=\"metrics\"><thead><tr><th rowspan=\"2\">dataset</th>");
        for (int r = 0; r < content.runs().size(); r++) {
            h.append("<th colspan=\"3\" class=\"run\" style=\"border-bottom:3px solid ").append(RunColours.of(r))
                    .append("\">").append(escape(content.runs().get(r).name())).append("</th>");
        }
        h.append("</tr><tr>");
        for (int r = 0; r < content.runs().size(); r++) {
            h.append("<th class=\"num\">P</th><th class=\"num\">R</th><th class=\"num\">F1</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String dataset : content.datasets()) {
            h.append("<tr><td>").append(escape(dataset)).append("</td>");
            for (EvaluatedRun run : content.runs()) {
                DatasetMetrics d = run.dataset(dataset);
                if (d == null) {
                    h.append("<td class=\"num\" colspan=\"3\">—</td>");
                } else {
                    h.append("<td class=\"num\">").append(Html.pct(d.precision())).append("</td><td class=\"num\">")
                            .append(Html.pct(d.recall())).append("</td><td class=\"num f1\" data-f1=\"")
                            .append(d.f1()).append("\"><b>").append(Html.pct(d.f1())).append("</b></td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("<tr class=\"total\"><td>average</td>");
        for (EvaluatedRun run : content.runs()) {
            h.append("<td></td><td></td><td class=\"num f1\" data-f1=\"").append(run.averageF1()).append("\"><b>")
                    .append(Html.pct(run.averageF1())).append("</b></td>");
        }
        h.append("</tr></tbody></table></section>\n");
    }
}
