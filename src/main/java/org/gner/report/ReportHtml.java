package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.List;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts and a few lines of inline
 * script (table sorting); nothing is loaded from anywhere when it is opened.
 */
public final class ReportHtml {
    private ReportHtml() {}

    /** The page and, beside it, the charts as standalone SVG files (file name to content). */
    public record Rendered(String html, java.util.Map<String, String> charts) {}

    public static Rendered render(ReportContent content) {
        String f1Chart = F1BarChart.svg(content.runs(), content.datasets());
        java.util.Map<String, String> charts = new java.util.LinkedHashMap<>();
        charts.put(F1Section.CHART_FILE, f1Chart);
        List<String> deltaCharts = new ArrayList<>();
        for (int i = 0; i < content.comparisons().size(); i++) {
            String svg = DeltaChart.svg(content.comparisons().get(i));
            deltaCharts.add(svg);
            charts.put(ComparisonSection.chartFile(i), svg);
        }
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title(content))).append("</title>\n<style>\n")
                .append(ReportStyle.CSS).append("</style></head><body>\n<header><h1>GNER evaluation report</h1>\n<p>")
                .append(escape(title(content))).append("</p>\n<nav><a href=\"#summary\">Summary</a>"
                        + "<a href=\"#f1\">F1 per dataset</a><a href=\"#comparison\">Comparison</a>"
                        + "<a href=\"#labels\">Entity types</a><a href=\"#quality\">Output quality</a>"
                        + "<a href=\"#examples\">Error examples</a><a href=\"#confidence\">Entity confidence</a></nav>"
                        + "</header>\n<main>\n");
        SummarySection.render(content, h);
        F1Section.render(content, f1Chart, h);
        ComparisonSection.render(content, deltaCharts, h);
        LabelSection.render(content, h);
        QualitySection.render(content, h);
        ExampleSection.render(content, h);
        ConfidenceSection.render(content, h);
        h.append("</main>\n<script>\n").append(ReportStyle.SORT_SCRIPT).append("</script>\n</body></html>\n");
        return new Rendered(h.toString(), charts);
    }

    private static String title(ReportContent content) {
        List<String> names = content.runs().stream().map(EvaluatedRun::name).toList();
        return String.join(" vs ", names) + " on " + content.datasets().size() + " datasets";
    }
}
