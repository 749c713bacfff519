package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.Locale;

/**
 * Section 7: entity confidence, for runs whose metrics.json has it ({@code evaluate} runs): per run and
 * dataset the expected calibration error, the reliability diagram and P / R / F1 against the threshold,
 * with the F1-best threshold.
 */
final class ConfidenceSection {
    private ConfidenceSection() {}

    static void render(ReportContent content, StringBuilder h) {
        h.append("<section id=\"confidence\"><h2>7. Entity confidence</h2>\n");
        h.append("<p class=\"note\">Each predicted entity's confidence combines its words' label probabilities (from"
                + " the logits the decoder computed for its label choices, at the model's label temperature). The"
                + " reliability diagram bins entities by confidence (10 equal-width bins) and shows the share that"
                + " were gold entities, against the dashed diagonal of perfect calibration; the expected calibration"
                + " error (ECE) is the count-weighted mean gap. The curves show what keeping only entities with"
                + " confidence &ge; t would score (t = 0 is GNER's own metrics). Runs without confidences (a"
                + " <code>score</code> run, or an <code>evaluate</code> run written before them) are left out.</p>\n");
        boolean any = false;
        for (int r = 0; r < content.runs().size(); r++) {
            EvaluatedRun run = content.runs().get(r);
            RunConfidence c = run.confidence();
            if (c == null) {
                continue;
            }
            any = true;
            h.append("<h3><span class=\"swatch\" style=\"background:").append(RunColours.of(r)).append("\"></span>")
                    .append(escape(run.name())).append("</h3>\n<p>label temperature ")
                    .append(String.format(Locale.ROOT, "%.2f", c.labelTemperature())).append(", aggregation ")
                    .append(escape(c.aggregation())).append("</p>\n");
            h.append("<table><thead><tr><th>dataset</th><th class=\"num\">entities</th><th class=\"num\">ECE</th>"
                    + "<th class=\"num\">best t</th><th class=\"num\">F1 at best t</th><th class=\"num\">F1 at t = 0"
                    + "</th></tr></thead><tbody>\n");
            for (String dataset : content.datasets()) {
                RunConfidence.DatasetCalibration d = c.dataset(dataset);
                if (d == null || d.thresholds().isEmpty()) {
                    continue;
                }
                RunConfidence.ThresholdPoint best = d.thresholds().get(0);
                for (RunConfidence.ThresholdPoint p : d.thresholds()) {
                    if (p.f1() > best.f1()) {
                        best = p;
                    }
                }
                h.append("<tr><td>").append(escape(dataset)).append("</td><td class=\"num\">").append(d.entities())
                        .append("</td><td class=\"num\">").append(Double.isNaN(d.ece()) ? "—"
                                : String.format(Locale.ROOT, "%.4f", d.ece()))
                        .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.2f", best.threshold()))
                        .append("</td><td class=\"num\">").append(Html.pct(best.f1())).append("</td><td class=\"num\">")
                        .append(Html.pct(d.thresholds().get(0).f1())).append("</td></tr>\n");
            }
            h.append("</tbody></table>\n<div class=\"charts\">\n");
            for (String dataset : content.datasets()) {
                RunConfidence.DatasetCalibration d = c.dataset(dataset);
                if (d == null) {
                    continue;
                }
                h.append("<figure class=\"reliability\">")
                        .append(ConfidenceCharts.reliability(dataset + ": reliability", d.bins()))
                        .append(ConfidenceCharts.thresholds(dataset + ": by threshold", d.thresholds()))
                        .append("</figure>\n");
            }
            h.append("</div>\n");
        }
        if (!any) {
            h.append("<p>No run has entity confidences.</p>\n");
        }
        h.append("</section>\n");
    }
}
