package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.metrics.LabelMetrics;

/** Section 4: per dataset, P / R / F1 of every entity type, most frequent first, F1 cells coloured. */
final class LabelSection {
    private LabelSection() {}

    static void render(ReportContent content, StringBuilder h) {
        h.append("<section id=\"labels\"><h2>4. Entity types</h2>\n");
        h.append("<p class=\"note\">Per dataset and entity type (GNER's normalised label), in percent; support is the"
                + " number of gold entities (of ").append(escape(content.runs().get(0).name()))
                .append("). Ordered by support; click a column header to sort. F1 cells run from red (0) to green"
                        + " (100).</p>\n");
        for (String dataset : content.datasets()) {
            List<Map<String, LabelMetrics>> perRun = new ArrayList<>();
            Map<String, Long> support = new LinkedHashMap<>();
            for (EvaluatedRun run : content.runs()) {
                Map<String, LabelMetrics> byLabel = new LinkedHashMap<>();
                for (LabelMetrics l : run.labels()) {
                    if (l.dataset().equals(dataset)) {
                        byLabel.put(l.label(), l);
                        support.putIfAbsent(l.label(), l.gold());
                    }
                }
                perRun.add(byLabel);
            }
            List<String> labels = new ArrayList<>(support.keySet());
            labels.sort(Comparator.comparing((String l) -> -support.get(l)).thenComparing(l -> l));
            h.append("<h3>").append(escape(dataset)).append("</h3>\n<table class=\"sortable labels\"><thead><tr>"
                    + "<th data-type=\"text\">entity type</th><th class=\"num\">support</th>");
            for (EvaluatedRun run : content.runs()) {
                String name = escape(run.name());
                h.append("<th class=\"num\">P ").append(name).append("</th><th class=\"num\">R ").append(name)
                        .append("</th><th class=\"num\">F1 ").append(name).append("</th>");
            }
            boolean delta = content.runs().size() > 1;
            if (delta) {
                h.append("<th class=\"num\">ΔF1</th>");
            }
            h.append("</tr></thead><tbody>\n");
            for (String label : labels) {
                h.append("<tr><td>").append(escape(label)).append("</td><td class=\"num\" data-sort=\"")
                        .append(support.get(label)).append("\">").append(support.get(label)).append("</td>");
                for (Map<String, LabelMetrics> byLabel : perRun) {
                    LabelMetrics l = byLabel.get(label);
                    if (l == null) {
                        h.append("<td class=\"num\" data-sort=\"-1\">—</td><td class=\"num\" data-sort=\"-1\">—</td>"
                                + "<td class=\"num\" data-sort=\"-1\">—</td>");
                    } else {
                        cell(h, l.precision(), null);
                        cell(h, l.recall(), null);
                        cell(h, l.f1(), Html.f1Colour(l.f1()));
                    }
                }
                if (delta) {
                    LabelMetrics a = perRun.get(0).get(label);
                    LabelMetrics b = perRun.get(1).get(label);
                    double d = a == null || b == null ? Double.NaN : b.f1() - a.f1();
                    h.append("<td class=\"num\" data-sort=\"").append(Double.isNaN(d) ? "-1e9" : String.valueOf(d))
                            .append("\">").append(Html.points(d)).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</tbody></table>\n");
            if (delta && content.runs().size() > 2) {
                h.append("<p class=\"note\">ΔF1: second run − first.</p>\n");
            }
        }
        h.append("</section>\n");
    }

    private static void cell(StringBuilder h, double value, String background) {
        h.append("<td class=\"num\" data-sort=\"").append(value).append('"');
        if (background != null) {
            h.append(" style=\"background:").append(background).append('"');
        }
        h.append('>').append(Html.pct(value)).append("</td>");
    }
}
