package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.Locale;

/** Section 1: one row per run (model, decoding, size, average F1, throughput). */
final class SummarySection {
    private SummarySection() {}

    static void render(ReportContent content, StringBuilder h) {
        h.append("<section id=\"summary\"><h2>1. Summary</h2>\n");
        h.append("<p class=\"note\">Average F1 is GNER's plain mean of the per-dataset F1. Throughput comes from the"
                + " run's <code>run.json</code> (whole-job wall time); a <code>score</code> run has none. Entity ECE:"
                + " the expected calibration error of entity confidences over the run's datasets (section 7).</p>\n");
        h.append("<table><thead><tr><th></th><th>run</th><th>model</th><th>decoding</th><th class=\"num\">datasets</th>"
                + "<th class=\"num\">sentences</th><th class=\"num\">average F1</th><th class=\"num\">sentences/s</th>"
                + "<th class=\"num\">output tokens/s</th><th class=\"num\">passes/token</th><th class=\"num\">errors</th>"
                + "<th class=\"num\">entity ECE</th>"
                + "<th>folder</th></tr></thead><tbody>\n");
        for (int r = 0; r < content.runs().size(); r++) {
            EvaluatedRun run = content.runs().get(r);
            RunSummary s = run.summary();
            h.append("<tr><td><span class=\"swatch\" style=\"background:").append(RunColours.of(r))
                    .append("\"></span></td><td><b>").append(escape(run.name())).append("</b>")
                    .append(r == 0 && content.runs().size() > 1 ? " <span class=\"tag\">baseline</span>" : "")
                    .append("</td><td>").append(escape(s.modelId() == null ? "—" : s.modelId()))
                    .append("</td><td>").append(escape(decoding(s))).append("</td><td class=\"num\">")
                    .append(run.datasets().size()).append("</td><td class=\"num\">").append(run.sentenceCount())
                    .append("</td><td class=\"num\"><b>").append(Html.pct(run.averageF1())).append("</b></td><td class=\"num\">")
                    .append(Html.number(s.sentencesPerSecond(), 2)).append("</td><td class=\"num\">")
                    .append(Html.number(s.outputTokensPerSecond(), 1)).append("</td><td class=\"num\">")
                    .append(Html.number(s.passesPerToken(), 3)).append("</td><td class=\"num\">").append(run.errors())
                    .append("</td><td class=\"num\">").append(ece(run))
                    .append("</td><td class=\"path\">").append(escape(run.folder())).append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    /** The entity-weighted mean ECE over the run's datasets (section 7), or a dash. */
    private static String ece(EvaluatedRun run) {
        double ece = run.confidence() == null ? Double.NaN : run.confidence().meanEce();
        return Double.isNaN(ece) ? "—" : String.format(Locale.ROOT, "%.3f", ece);
    }

    static String decoding(RunSummary s) {
        if (s.decodingMode() == null && s.beams() == null) {
            return "— (no run.json)";
        }
        String mode = s.decodingMode() != null ? s.decodingMode() : s.beams() == 1 ? "greedy" : "beam search";
        StringBuilder out = new StringBuilder(mode);
        if (s.beams() != null) {
            out.append(String.format(Locale.ROOT, ", %d beam%s", s.beams(), s.beams() == 1 ? "" : "s"));
        }
        if (s.drafts() != null) {
            out.append(String.format(Locale.ROOT, ", %d draft%s", s.drafts(), s.drafts() == 1 ? "" : "s"));
        }
        return out.toString();
    }
}
