package org.gner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.testing.ConsoleCapture;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, evaluate and annotate through the command line, as jobs/gner runs them. */
class GenerationCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path model;

    @BeforeAll
    static void writeModel() {
        model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(41),
                TinyT5Checkpoints.Format.F32);
    }

    @Test
    void generateWritesOneLinePerPromptInInputOrder() throws IOException {
        Path input = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"a\", \"prompt\": \"Sentence: Paris is in France .\"}",
                "",
                "{\"id\": 2, \"prompt\": \"" + "word ".repeat(40).strip() + "\", \"extra\": [1]}",
                "{\"id\": \"c\", \"prompt\": \"Tokyo\"}"));
        Path output = tmp.resolve("out.jsonl");
        assertEquals(0, GnerCli.execute("generate", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--max-new-tokens", "6", "--batch-size", "2",
                "--max-input-tokens", "24"));
        List<String> lines = Files.readAllLines(output);
        assertEquals(3, lines.size());
        try (ModelTokenizer tokenizer = ModelTokenizer.load(model)) {
            List<String> ids = new ArrayList<>();
            for (String line : lines) {
                JsonNode n = JSON.readTree(line);
                ids.add(n.get("id").asText());
                assertEquals(List.of("id", "prompt", "input_ids", "token_ids", "generation"),
                        fieldNames(n).subList(0, 5));
                assertTrue(n.get("token_ids").size() >= 1 && n.get("token_ids").size() <= 6);
                long[] generated = new long[n.get("token_ids").size()];
                for (int i = 0; i < generated.length; i++) {
                    generated[i] = n.get("token_ids").get(i).asLong();
                }
                assertEquals(tokenizer.decode(generated), n.get("generation").asText());
                long[] expectedInput = tokenizer.encode(n.get("prompt").asText());
                assertEquals(Math.min(24, expectedInput.length), n.get("input_ids").size());
                assertEquals(expectedInput.length > 24, n.has("truncated"));
            }
            assertEquals(List.of("a", "2", "c"), ids);
        }
    }

    @Test
    void generateGivesEachWordOfAGnerPromptItsLabelProbability() throws IOException {
        String prompt = org.gner.prompt.PromptBuilder.instruction(List.of("person", "location"),
                List.of("Ann", "lives", "in", "Oslo", "."), null);
        Path input = tmp.resolve("gner-prompts.jsonl");
        Files.writeString(input, JSON.createObjectNode().put("id", "g").put("prompt", prompt).toString() + "\n");
        Path output = tmp.resolve("gner-out.jsonl");
        assertEquals(0, GnerCli.execute("generate", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--decoding", "constrained"));
        JsonNode n = JSON.readTree(Files.readAllLines(output).get(0));
        JsonNode p = n.get("word_label_probabilities");
        assertEquals(5, p.size(), n.toString());
        for (JsonNode v : p) {
            assertTrue(v.asDouble() > 0 && v.asDouble() <= 1, n.toString());
        }
    }

    /** The shipped model says it is meant for constrained decoding: free decoding of it gets a warning. */
    @Test
    void freeDecodingOfAConstrainedModelIsWarnedAbout() throws IOException {
        Path input = tmp.resolve("one-prompt.jsonl");
        Files.writeString(input, JSON.createObjectNode().put("id", "w").put("prompt", org.gner.prompt.PromptBuilder
                .instruction(List.of("person"), List.of("Ann", "sings"), null)).toString() + "\n");
        String shipped = Path.of("models/gner-t5-mini").toAbsolutePath().toString();
        String free = ConsoleCapture.stderr(() -> assertEquals(0, GnerCli.execute("generate", "--model", shipped,
                "--input", input.toString(), "--output", tmp.resolve("free.jsonl").toString(), "--decoding", "free",
                "--max-new-tokens", "4")));
        assertTrue(free.contains("warning: " + shipped + " is meant for constrained decoding"), free);
        String constrained = ConsoleCapture.stderr(() -> assertEquals(0, GnerCli.execute("generate", "--model", shipped,
                "--input", input.toString(), "--output", tmp.resolve("constrained.jsonl").toString())));
        assertFalse(constrained.contains("warning:"), constrained);
    }

    @Test
    void generateNamesTheBadLine() throws IOException {
        Path input = Files.write(tmp.resolve("bad.jsonl"), List.of("{\"id\": \"a\", \"prompt\": \"x\"}",
                "{\"id\": \"b\"}"));
        String stderr = ConsoleCapture.stderr(() -> assertEquals(1, GnerCli.execute("generate", "--model", model.toString(),
                "--input", input.toString(), "--output", tmp.resolve("never.jsonl").toString())));
        assertTrue(stderr.contains("bad.jsonl:2: missing field 'prompt'"), stderr);
        assertFalse(Files.exists(tmp.resolve("never.jsonl")));
    }

    @Test
    void evaluateFlagsTruncatedPromptsAndPrintsTheTable() throws IOException {
        Path out = tmp.resolve("evaluate");
        String stdout = ConsoleCapture.stdout(() -> assertEquals(0, GnerCli.execute("evaluate", "--model", model.toString(),
                "--data-dir", SharedData.zeroShotDataDir().toString(), "--datasets",
                writeConfig("crossner_music", 4), "--output", out.toString(), "--max-new-tokens", "8",
                "--max-input-tokens", "64", "--label-order", "file", "--master", "local[2]")));
        assertTrue(stdout.contains("crossner_music") && stdout.contains("average"), stdout);
        assertTrue(stdout.contains("4 sentences, 0 failed, 4 prompts truncated"), stdout);
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            List<Row> rows = spark.read().parquet(out.resolve("predictions").toString()).collectAsList();
            assertEquals(4, rows.size());
            for (Row r : rows) {
                assertTrue(r.<Boolean>getAs("truncated"));
                assertEquals(64, r.<Integer>getAs("input_tokens"));
                assertTrue(r.<Integer>getAs("prompt_tokens") > 64);
            }
        } finally {
            spark.stop();
        }
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("file", run.at("/data/label_order").asText());
        assertEquals(4, run.at("/truncated").asInt());
    }

    @Test
    void annotateWritesEveryRow() throws IOException {
        Path input = Files.write(tmp.resolve("corpus.txt"), List.of("Ada Lovelace lived in London.", "",
                "Alan Turing worked at Bletchley Park. He was born in 1912."));
        Path out = tmp.resolve("annotate");
        String stdout = ConsoleCapture.stdout(() -> assertEquals(0, GnerCli.execute("annotate", "--model", model.toString(),
                "--labels", "person,location", "--input", input.toString(), "--output", out.toString(),
                "--max-new-tokens", "8", "--master", "local[2]")));
        assertTrue(stdout.contains("3 rows, 3 sentences"), stdout);
        assertTrue(Files.exists(out.resolve("annotations/_SUCCESS")));
    }

    @Test
    void helpForEveryCommand() {
        for (String command : List.of("generate", "evaluate", "annotate")) {
            String stdout = ConsoleCapture.stdout(() -> assertEquals(0, GnerCli.execute(command, "--help")));
            assertTrue(stdout.contains("--max-new-tokens"), stdout);
        }
    }

    private static String writeConfig(String dataset, int sentences) {
        try {
            Path config = tmp.resolve(dataset + "-" + sentences + ".json");
            Files.writeString(config, "[{\"dataset name\": \"" + dataset + "\", \"max_num_instances\": " + sentences
                    + "}]");
            return config.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
