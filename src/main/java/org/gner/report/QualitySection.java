package org.gner.report;

import static org.gner.report.Html.escape;

/** Section 5: per dataset and run, how many outputs needed repair or failed. */
final class QualitySection {
    private QualitySection() {}

    static void render(ReportContent content, StringBuilder h) {
        h.append("<section id=\"quality\"><h2>5. Output quality</h2>\n");
        h.append("<p class=\"note\">Sentences per dataset whose output did not reproduce the input words and needed"
                + " GNER's fallback matching (<b>subseq</b>: in-order subsequence, <b>LCS</b>: longest common"
                + " subsequence), outputs with no labelled word (<b>empty</b>), prompts cut to the input limit"
                + " (<b>trunc</b>; unknown, —, for a <code>score</code> run) and records that could not be generated"
                + " or scored (<b>errors</b>). Non-zero counts are highlighted.</p>\n");
        h.append("<table class=\"quality\"><thead><tr><th rowspan=\"2\">dataset</th>");
        for (int r = 0; r < content.runs().size(); r++) {
            h.append("<th colspan=\"5\" class=\"run\" style=\"border-bottom:3px solid ").append(RunColours.of(r))
                    .append("\">").append(escape(content.runs().get(r).name())).append("</th>");
        }
        h.append("</tr><tr>");
        for (int r = 0; r < content.runs().size(); r++) {
            h.append("<th class=\"num\">subseq</th><th class=\"num\">LCS</th><th class=\"num\">empty</th>"
                    + "<th class=\"num\">trunc</th><th class=\"num\">errors</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String dataset : content.datasets()) {
            h.append("<tr><td>").append(escape(dataset)).append("</td>");
            for (EvaluatedRun run : content.runs()) {
                OutputQuality q = run.quality().get(dataset);
                if (q == null) {
                    h.append("<td class=\"num\" colspan=\"5\">—</td>");
                    continue;
                }
                count(h, q.subsequence());
                count(h, q.lcs());
                count(h, q.empty());
                count(h, q.truncated());
                count(h, q.errors());
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void count(StringBuilder h, long n) {
        h.append("<td class=\"num").append(n > 0 ? " flag" : "").append("\">").append(n < 0 ? "—" : n).append("</td>");
    }
}
