package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gner.metrics.DatasetMetrics;

/** Section 3: ΔF1 of each run against the first, with the paired-bootstrap interval and p-value. */
final class ComparisonSection {
    private ComparisonSection() {}

    static String chartFile(int comparison) {
        return "delta_f1_" + (comparison + 2) + ".svg";
    }

    static void render(ReportContent content, List<String> charts, StringBuilder h) {
        h.append("<section id=\"comparison\"><h2>3. Comparison with ").append(escape(baselineName(content)))
                .append("</h2>\n");
        if (content.comparisons().isEmpty()) {
            h.append("<p class=\"note\">One run only: nothing to compare. Pass two or more <code>--run</code>s.</p>"
                    + "</section>\n");
            return;
        }
        h.append(String.format(Locale.ROOT, "<p class=\"note\">ΔF1 in percentage points (run − baseline). The 95%%"
                + " interval and the two-sided p-value come from a paired bootstrap over sentences: %d resamples"
                + " (seed %d), each drawing every dataset's sentences with replacement, the same sentences for both"
                + " runs, and recomputing F1 from the drawn counts; the average's Δ averages the per-dataset F1 of"
                + " each resample. p = min(1, 2(1 + k)/(B + 1)), k = resamples whose Δ is not on the observed side of 0."
                + " <span class=\"better\">Green</span>: the interval lies above 0 (significantly better),"
                + " <span class=\"worse\">red</span>: below.</p>\n", content.resamples(), content.seed()));
        for (int i = 0; i < content.comparisons().size(); i++) {
            RunComparison c = content.comparisons().get(i);
            EvaluatedRun run = content.runs().get(i + 1);
            h.append("<h3>").append(escape(c.run())).append(" vs ").append(escape(c.baseline())).append("</h3>\n");
            if (!c.paired()) {
                h.append("<p class=\"warning\">").append(escape(c.note())).append("</p>\n");
            } else {
                h.append("<p class=\"verdict\">").append(escape(verdict(c))).append("</p>\n");
            }
            h.append("<div class=\"figure\">").append(charts.get(i)).append("</div>\n");
            h.append("<table><thead><tr><th>dataset</th><th class=\"num\">F1 ").append(escape(c.baseline()))
                    .append("</th><th class=\"num\">F1 ").append(escape(c.run()))
                    .append("</th><th class=\"num\">ΔF1</th><th class=\"num\">95% CI</th><th class=\"num\">p</th>"
                            + "<th>verdict</th></tr></thead><tbody>\n");
            EvaluatedRun baseline = content.runs().get(0);
            for (Map.Entry<String, DeltaEstimate> e : c.perDataset().entrySet()) {
                DatasetMetrics a = baseline.dataset(e.getKey());
                DatasetMetrics b = run.dataset(e.getKey());
                row(h, e.getKey(), a.f1(), b.f1(), e.getValue(), c.paired(), false);
            }
            row(h, "average", baseline.averageF1(), run.averageF1(), c.average(), c.paired(), true);
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");
    }

    private static void row(StringBuilder h, String name, double f1a, double f1b, DeltaEstimate e, boolean paired,
            boolean total) {
        String css = !paired || !e.significant() ? "" : e.delta() > 0 ? "better" : "worse";
        h.append("<tr class=\"").append(total ? "total " : "").append(css).append("\"><td>").append(escape(name))
                .append("</td><td class=\"num\">").append(Html.pct(f1a)).append("</td><td class=\"num\">")
                .append(Html.pct(f1b)).append("</td><td class=\"num delta\" data-delta=\"").append(e.delta())
                .append("\"><b>").append(Html.points(e.delta())).append("</b></td><td class=\"num\">")
                .append(paired ? "[" + Html.points(e.low()) + ", " + Html.points(e.high()) + "]" : "—")
                .append("</td><td class=\"num\">").append(Html.pValue(e.pValue())).append("</td><td>")
                .append(paired ? label(e) : "not paired").append("</td></tr>\n");
    }

    private static String label(DeltaEstimate e) {
        if (!e.significant()) {
            return "no significant difference";
        }
        return e.delta() > 0 ? "significantly better" : "significantly worse";
    }

    static String verdict(RunComparison c) {
        List<String> better = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        c.perDataset().forEach((dataset, e) -> {
            if (e.significant()) {
                (e.delta() > 0 ? better : worse).add(dataset);
            }
        });
        StringBuilder s = new StringBuilder(c.run()).append(" is significantly better than ").append(c.baseline())
                .append(" on ").append(better.size()).append(" of ").append(c.perDataset().size()).append(" datasets");
        if (!better.isEmpty()) {
            s.append(" (").append(String.join(", ", better)).append(')');
        }
        s.append(", significantly worse on ").append(worse.size());
        if (!worse.isEmpty()) {
            s.append(" (").append(String.join(", ", worse)).append(')');
        }
        DeltaEstimate a = c.average();
        s.append(String.format(Locale.ROOT, "; average ΔF1 %s points, 95%% CI [%s, %s], p = %s (%s).",
                Html.points(a.delta()), Html.points(a.low()), Html.points(a.high()), Html.pValue(a.pValue()),
                label(a)));
        return s.toString();
    }

    private static String baselineName(ReportContent content) {
        return content.runs().get(0).name();
    }
}
