package org.gner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it): the
 * screenshot must not be blank, the dumped DOM must hold the dataset names, and the hostile sentence
 * text must not have run as script. Skipped only when Chromium is missing outside CI.
 */
class ReportBrowserTest {
    private static final List<String> DATASETS = List.of("crossner_ai", "mit-movie", "mit-restaurant");

    @TempDir
    Path tmp;

    @Test
    void chromiumRendersTheReport() throws Exception {
        Path chromium = chromium();
        Path page = writeReport();

        Path screenshot = tmp.resolve("report.png");
        run(chromium, "--screenshot=" + screenshot, "--window-size=1280,2000", page.toUri().toString());
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1280, image.getWidth());
        assertTrue(distinctColours(image) > 50, "screenshot looks blank: " + distinctColours(image) + " colours");

        String dom = run(chromium, "--dump-dom", page.toUri().toString());
        for (String dataset : DATASETS) {
            assertTrue(dom.contains(dataset), dataset + " not in the DOM");
        }
        assertTrue(dom.contains("GNER evaluation report"));
        assertTrue(dom.contains("<svg"), "inline chart");
        assertTrue(dom.contains("id=\"confidence\""), "the entity-confidence section");
        for (String dataset : DATASETS) {
            assertTrue(dom.contains(dataset + ": reliability"), "a reliability diagram for " + dataset);
            assertTrue(dom.contains(dataset + ": by threshold"), "a threshold chart for " + dataset);
        }
        assertTrue(dom.contains("0.0873"), "the ECE in the table");
        assertTrue(dom.contains("0.087</td>"), "the ECE in the summary");
        assertFalse(dom.contains("<title>pwned"), "the sentence text ran as script");
        assertFalse(dom.contains("<script>document"), "the sentence text became a script element");
        assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the sentence text, as text");
    }

    private Path writeReport() throws IOException {
        Map<String, SentenceCounts> a = new LinkedHashMap<>();
        Map<String, SentenceCounts> b = new LinkedHashMap<>();
        for (int i = 0; i < DATASETS.size(); i++) {
            a.put(DATASETS.get(i), PairedBootstrapTest.random(80, i));
            b.put(DATASETS.get(i), PairedBootstrapTest.random(80, 10 + i));
        }
        ExampleSentence hostile = ReportHtmlTest.hostileContent().examples().get(0);
        ExampleSentence example = new ExampleSentence("mit-movie", hostile.id(), hostile.words(), hostile.gold(),
                hostile.predicted(), hostile.matchKinds());
        ReportContent content = ReportFixtures.content(ReportFixtures.run("base", a),
                ReportFixtures.withConfidence(ReportFixtures.run("large", b)), example);
        ReportHtml.Rendered rendered = ReportHtml.render(content);
        Path page = tmp.resolve("report.html");
        Files.writeString(page, rendered.html());
        for (Map.Entry<String, String> chart : rendered.charts().entrySet()) {
            Files.writeString(tmp.resolve(chart.getKey()), chart.getValue());
        }
        return page;
    }

    private String run(Path chromium, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + tmp.resolve("profile")));
        command.addAll(List.of(args));
        Path stdout = tmp.resolve("chromium.out");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(tmp.resolve("chromium.err").toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish in 120 s");
        }
        assertEquals(0, process.exitValue(), () -> "chromium failed: " + read(tmp.resolve("chromium.err")));
        return read(stdout);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    /** Chromium on the PATH; outside CI its absence skips the test, in CI it fails it. */
    static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank()) {
            fail("chromium not installed but CI is set: .ci/run installs it (apt-get install -y chromium)");
        }
        Assumptions.abort("chromium not installed (apt-get install -y chromium); browser check skipped outside CI");
        return null;
    }
}
