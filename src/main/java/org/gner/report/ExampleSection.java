package org.gner.report;

import static org.gner.report.Html.escape;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.gner.metrics.Entity;
import org.gner.metrics.EntityParser;

/**
 * Section 6: a few sentences per dataset with false positives and false negatives: every word with its
 * gold label and each run's predicted label (wrong ones in red), then the entities each run got wrong.
 */
final class ExampleSection {
    private ExampleSection() {}

    static void render(ReportContent content, StringBuilder h) {
        h.append("<section id=\"examples\"><h2>6. Error examples</h2>\n");
        h.append("<p class=\"note\">Sentences where ").append(escape(content.runs().get(0).name()))
                .append(" has both false positives and false negatives (else either), first ones in input order."
                        + " Under each word: the gold label, then each run's prediction; a prediction that differs"
                        + " from gold is red, <span class=\"o\">·</span> is O. Other runs are shown on the same sentence"
                        + " when they hold the same sentences.</p>\n");
        for (String dataset : content.datasets()) {
            List<ExampleSentence> examples = content.examples().stream().filter(e -> e.dataset().equals(dataset)).toList();
            if (examples.isEmpty()) {
                continue;
            }
            h.append("<h3>").append(escape(dataset)).append("</h3>\n");
            for (ExampleSentence e : examples) {
                sentence(content, e, h);
            }
        }
        h.append("</section>\n");
    }

    private static void sentence(ReportContent content, ExampleSentence e, StringBuilder h) {
        h.append("<div class=\"example\"><div class=\"exhead\">sentence ").append(escape(e.id())).append("</div>\n");
        h.append("<div class=\"tokens\"><span class=\"tok legend\"><span class=\"w\">word</span><span class=\"g\">gold</span>");
        for (int r = 0; r < content.runs().size(); r++) {
            if (e.predicted().get(r) != null) {
                h.append("<span class=\"p\" style=\"border-left:3px solid ").append(RunColours.of(r)).append("\">")
                        .append(escape(content.runs().get(r).name())).append("</span>");
            }
        }
        h.append("</span>");
        for (int i = 0; i < e.words().size(); i++) {
            String gold = e.gold().get(i);
            h.append("<span class=\"tok\"><span class=\"w\">").append(escape(e.words().get(i))).append("</span>");
            label(h, "g", gold, false);
            for (List<String> predicted : e.predicted()) {
                if (predicted != null) {
                    label(h, "p", predicted.get(i), !predicted.get(i).equals(gold));
                }
            }
            h.append("</span>");
        }
        h.append("</div>\n<ul class=\"errors\">");
        for (int r = 0; r < content.runs().size(); r++) {
            List<String> predicted = e.predicted().get(r);
            if (predicted == null) {
                continue;
            }
            Set<Entity> gold = new LinkedHashSet<>(EntityParser.parse(e.words(), e.gold()));
            Set<Entity> pred = new LinkedHashSet<>(EntityParser.parse(e.words(), predicted));
            List<Entity> falsePositives = new ArrayList<>(pred);
            falsePositives.removeAll(gold);
            List<Entity> falseNegatives = new ArrayList<>(gold);
            falseNegatives.removeAll(pred);
            h.append("<li><b>").append(escape(content.runs().get(r).name())).append("</b> (")
                    .append(escape(e.matchKinds().get(r))).append(" match): false positives ")
                    .append(entities(falsePositives)).append("; false negatives ").append(entities(falseNegatives))
                    .append("</li>");
        }
        h.append("</ul></div>\n");
    }

    private static void label(StringBuilder h, String css, String label, boolean wrong) {
        // a wrongly predicted O is spelled out: the faded dot would vanish on the red background
        boolean dot = label.equals("O") && !wrong;
        h.append("<span class=\"").append(css).append(wrong ? " bad" : "").append(dot ? " o" : "")
                .append("\">").append(dot ? "·" : escape(label)).append("</span>");
    }

    private static String entities(List<Entity> entities) {
        if (entities.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (Entity e : entities) {
            parts.add("<q>" + escape(e.text()) + "</q> <i>" + escape(e.type()) + "</i>");
        }
        return String.join(", ", parts);
    }
}
