package org.gner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {
    static final String HOSTILE = "<script>document.title='pwned'</script>";

    static ReportContent hostileContent() {
        Map<String, SentenceCounts> counts = Map.of("mit-movie", PairedBootstrapTest.random(50, 1));
        EvaluatedRun a = ReportFixtures.run("base <b>&", counts);
        EvaluatedRun b = ReportFixtures.run("large \"q\" 'x'", Map.of("mit-movie", PairedBootstrapTest.random(50, 2)));
        List<String> words = List.of(HOSTILE, "Tom", "&", "Jerry", "\"quoted\"", "it's", "<img src=x onerror=alert(1)>");
        List<String> gold = List.of("O", "B-person", "O", "B-person", "O", "O", "B-<i>title</i>");
        List<String> predicted = List.of("B-person", "B-person", "O", "O", "O", "O", "O");
        ExampleSentence example = new ExampleSentence("mit-movie", "7<", words, gold,
                Arrays.asList(predicted, predicted), Arrays.asList("lcs", "exact"));
        return ReportFixtures.content(a, b, example);
    }

    @Test
    void sentenceTextAndNamesAreEscaped() {
        String html = ReportHtml.render(hostileContent()).html();
        assertFalse(html.contains("<script>document"), "raw script from the data");
        assertFalse(html.contains("<img"), "raw img from the data");
        assertFalse(html.contains("<i>title"), "raw markup in a label");
        assertFalse(html.contains("base <b>"), "raw markup in a run name");
        assertTrue(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
        assertTrue(html.contains("base &lt;b&gt;&amp;"));
        assertTrue(html.contains("large &quot;q&quot; &#39;x&#39;"));
        assertTrue(html.contains("&quot;quoted&quot;"));
        assertTrue(html.contains("it&#39;s"));
        // the page's own script is the only one
        assertEquals(1, html.split("<script>", -1).length - 1);
    }

    @Test
    void pageIsSelfContainedAndInOrder() {
        ReportHtml.Rendered rendered = ReportHtml.render(hostileContent());
        String html = rendered.html();
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no network reference");
        int previous = -1;
        for (String id : List.of("summary", "f1", "comparison", "labels", "quality", "examples")) {
            int at = html.indexOf("<section id=\"" + id + "\"");
            assertTrue(at > previous, id + " out of order");
            previous = at;
        }
        assertEquals(List.of("f1_by_dataset.svg", "delta_f1_2.svg"), List.copyOf(rendered.charts().keySet()));
        assertTrue(rendered.charts().values().stream().allMatch(s -> s.startsWith("<svg xmlns=")));
    }

    @Test
    void oneRunHasNoComparisonButEverythingElse() {
        EvaluatedRun a = ReportFixtures.run("only", Map.of("d", PairedBootstrapTest.random(50, 1)));
        ReportContent content = new ReportContent(List.of(a), List.of("d"), List.of(), List.of(), 100, 1);
        ReportHtml.Rendered rendered = ReportHtml.render(content);
        assertTrue(rendered.html().contains("One run only"));
        assertTrue(rendered.html().contains("<section id=\"examples\""));
        assertEquals(List.of("f1_by_dataset.svg"), List.copyOf(rendered.charts().keySet()));
    }

    @Test
    void unpairedRunsAreComparedWithoutBootstrapAndSayWhy() {
        EvaluatedRun a = ReportFixtures.run("a", Map.of("d", PairedBootstrapTest.random(50, 1)));
        EvaluatedRun b = ReportFixtures.run("b", Map.of("d", PairedBootstrapTest.random(40, 2)));
        ReportContent content = ReportFixtures.content(a, b, null);
        RunComparison c = content.comparisons().get(0);
        assertFalse(c.paired());
        assertTrue(Double.isNaN(c.average().low()));
        assertEquals(b.averageF1() - a.averageF1(), c.average().delta());
        String html = ReportHtml.render(content).html();
        assertTrue(html.contains("class=\"warning\">not the same sentences, so no bootstrap"), "visible note");
    }
}
