package org.gner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.gner.testing.ConsoleCapture;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GnerCliTest {

    @TempDir
    Path tmp;

    @Test
    void scoreCommandPrintsTheTableAndWritesMetrics() throws IOException {
        Path out = tmp.resolve("score");
        String stdout = ConsoleCapture.stdout(() -> assertEquals(0, GnerCli.execute("score",
                "--predictions", SharedData.path("predictions/gner-t5-large-dev100/predictions.jsonl").toString(),
                "--tokenizer", SharedData.flanT5Tokenizer().toString(),
                "--output", out.toString(), "--master", "local[2]")));
        assertTrue(stdout.contains("average"), stdout);
        assertTrue(stdout.contains("61.37"), stdout); // GNER-T5-large dev-100 average F1, in percent
        double average = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("average_f1").asDouble();
        assertEquals(0.6137268401981694, average, 1e-12);
    }

    @Test
    void badUsageAndFailedJobsGiveNonZeroCodes() {
        assertEquals(2, GnerCli.execute("score", "--output", tmp.toString()));
        assertEquals(2, GnerCli.execute("no-such-command"));
        assertEquals(1, GnerCli.execute("score", "--predictions", tmp.resolve("missing.jsonl").toString(),
                "--output", tmp.resolve("o").toString(), "--master", "local[1]"));
    }

    @Test
    void reportCommandRefusesBadUsageAndNamesAMissingRunFolder() {
        assertEquals(2, GnerCli.execute("report", "--output", tmp.resolve("r").toString()));
        assertEquals(2, GnerCli.execute("report", "--run", tmp.toString(), "--output", tmp.resolve("r").toString(),
                "--bootstrap", "many"));
        String stderr = ConsoleCapture.stderr(() -> assertEquals(1, GnerCli.execute("report",
                "--run", tmp.resolve("no-such-run").toString(), "--output", tmp.resolve("r").toString())));
        assertTrue(stderr.contains("no-such-run") && stderr.contains("does not exist"), stderr);
    }

    @Test
    void oneLineReasonComesFromTheInnermostMessage() {
        var e = new RuntimeException(new IllegalArgumentException("bad\n  thing"));
        assertEquals("bad thing", GnerCli.oneLine(e));
    }
}
