package org.gner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GnerJsonlTest {
    @TempDir
    Path tmp;

    static final String MIN = "{\"dataset\": \"d\", \"label_list\": [\"x\"], "
            + "\"instance\": {\"id\": \"3\", \"words\": [\"a\", \"b\"], \"labels\": [\"O\", \"B-x\"]}}";

    @Test
    void readsSharedRecordsAndRoundTrips() {
        for (String f : List.of("zero-shot-test-100.jsonl", "zero-shot-dev-100.jsonl")) {
            List<GnerRecord> all = GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/" + f));
            assertEquals(700, all.size());
            for (GnerRecord r : all) {
                assertNotNull(r.instructionInputs());
                assertNotNull(r.promptLabels());
                assertNull(r.prediction());
                assertNull(r.inputIds());
                assertEquals(r, GnerJsonl.parse(GnerJsonl.toJson(r)));
            }
        }
    }

    @Test
    void sharedDatasetLinesAreWrittenBackByteForByte() throws IOException {
        // GNER's dataset JSONL was written with Python's json.dumps layout and raw UTF-8
        List<String> lines = Files.readAllLines(SharedData.path("datasets/gner-jsonl/zero-shot-test-100.jsonl"));
        for (String line : lines) {
            assertEquals(line, GnerJsonl.toJson(GnerJsonl.parse(line)));
        }
    }

    @Test
    void readsPredictionRecords() {
        List<GnerRecord> preds = GnerJsonl.readAll(SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl"));
        assertEquals(700, preds.size());
        GnerRecord first = preds.get(0);
        assertEquals("crossner_ai", first.dataset());
        assertEquals("dev", first.split());
        assertEquals("109", first.id());
        assertTrue(first.prediction().startsWith("We(O) make(O)"));
        assertEquals(863, first.inputIds()[0]);
        // \\u escapes decoded
        assertTrue(preds.stream().anyMatch(r -> r.instance().words().stream().anyMatch(w -> w.chars().anyMatch(c -> c > 127))));
        for (GnerRecord r : preds) {
            assertEquals(r, GnerJsonl.parse(GnerJsonl.toJson(r)));
        }
    }

    @Test
    void roundTripWithAllFields() {
        GnerRecord r = new GnerRecord("mit-movie", "test", List.of("actor", "year"),
                new NerSentence("7", List.of("tom", "\"hanks\"", "ünï\u2028", "😀\\"), List.of("B-actor", "I-actor", "O", "O")),
                "instr\nline", "tom(B-actor)", "pred\t(O)", new int[] {0, 1, 32099, Integer.MAX_VALUE});
        String json = GnerJsonl.toJson(r);
        assertEquals(r, GnerJsonl.parse(json));
        assertTrue(json.startsWith("{\"id\": \"7\", \"dataset\": \"mit-movie\", \"split\": \"test\", "
                + "\"label_list\": [\"actor\", \"year\"], \"instance\": {\"id\": \"7\", \"words\": "), json);
        assertTrue(json.endsWith("\"prompt_labels\": \"tom(B-actor)\"}, \"input_ids\": [0, 1, 32099, 2147483647], "
                + "\"prediction\": \"pred\\t(O)\"}"), json);
        assertTrue(!json.contains("\n"));
        GnerRecord bare = GnerJsonl.parse(MIN);
        assertEquals(bare, GnerJsonl.parse(GnerJsonl.toJson(bare)));
        assertEquals("{\"id\": \"3\", \"dataset\": \"d\", \"label_list\": [\"x\"], \"instance\": {\"id\": \"3\", "
                + "\"words\": [\"a\", \"b\"], \"labels\": [\"O\", \"B-x\"]}}", GnerJsonl.toJson(bare));
    }

    @Test
    void recordEqualityComparesInputIdsByContent() {
        NerSentence s = new NerSentence("0", List.of("a"), List.of("O"));
        int[] ids = {1, 2};
        GnerRecord a = new GnerRecord("d", "test", List.of("x"), s, null, null, null, ids);
        ids[0] = 9; // copied in
        GnerRecord b = new GnerRecord("d", "test", List.of("x"), s, null, null, null, new int[] {1, 2});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.inputIds()[0] = 5; // copied out
        assertArrayEquals(new int[] {1, 2}, a.inputIds());
    }

    @Test
    void toleratesUnknownFieldsNullsAndNumericIds() {
        GnerRecord r = GnerJsonl.parse("{\"id\": 12, \"task\": \"NER\", \"negative_boundary\": null, \"dataset\": \"d\", "
                + "\"split\": null, \"label_list\": [\"x\"], \"attention_mask\": [1, 1], \"time_stamp\": 1.5, "
                + "\"instance\": {\"subpart\": {\"a\": [1, {}]}, \"words\": [\"a\"], \"labels\": [\"O\"]}, \"prediction\": null}");
        assertEquals("12", r.id());
        assertNull(r.split());
        assertNull(r.prediction());
    }

    @Test
    void clearReasons() {
        assertReason("not json", "not valid JSON");
        assertReason("[1, 2]", "not a JSON object");
        assertReason(MIN + " {}", "after the JSON object");
        assertReason(MIN.replace("\"words\": [\"a\", \"b\"], ", ""), "missing field 'instance.words'");
        assertReason(MIN.replace(", \"labels\": [\"O\", \"B-x\"]", ""), "missing field 'instance.labels'");
        assertReason(MIN.replace("[\"O\", \"B-x\"]", "[\"O\"]"), "instance.words has 2 entries but instance.labels has 1");
        assertReason(MIN.replace("\"dataset\": \"d\", ", ""), "missing field 'dataset'");
        assertReason(MIN.replace("\"label_list\": [\"x\"], ", ""), "missing field 'label_list'");
        assertReason(MIN.replace("\"id\": \"3\", ", ""), "missing field 'instance.id'");
        assertReason(MIN.replace("[\"a\", \"b\"]", "[\"a\", 2]"), "'instance.words[1]' is not a string");
        assertReason(MIN.replace("[\"a\", \"b\"]", "\"a b\""), "'instance.words' is not an array");
        assertReason(MIN.replace("\"dataset\": \"d\"", "\"input_ids\": [1, 2.5], \"dataset\": \"d\""), "'input_ids[1]'");
        assertReason(MIN.replace("\"dataset\": \"d\"", "\"dataset\": 4"), "'dataset' is not a string");
    }

    private static void assertReason(String line, String expected) {
        InputFormatException e = assertThrows(InputFormatException.class, () -> GnerJsonl.parse(line));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readAllNamesFileAndLine() throws IOException {
        Path f = tmp.resolve("preds.jsonl");
        Files.writeString(f, MIN + "\n\n" + MIN + "\n" + MIN.replace("\"words\": [\"a\", \"b\"], ", "") + "\n",
                StandardCharsets.UTF_8);
        InputFormatException e = assertThrows(InputFormatException.class, () -> GnerJsonl.readAll(f));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().endsWith("preds.jsonl:4: missing field 'instance.words'"), e.getMessage());
        Files.writeString(f, MIN + "\n" + MIN + "\n");
        assertEquals(2, GnerJsonl.readAll(f).size());
        InputFormatException missing = assertThrows(InputFormatException.class,
                () -> GnerJsonl.readAll(tmp.resolve("nope.jsonl")));
        assertTrue(missing.getMessage().contains("nope.jsonl"), missing.getMessage());
    }

    @Test
    void writeAllThenReadAll() {
        Path f = tmp.resolve("out.jsonl");
        List<GnerRecord> records = GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/zero-shot-dev-100.jsonl"));
        GnerJsonl.writeAll(f, records);
        assertEquals(records, GnerJsonl.readAll(f));
    }

    @Test
    void parsingIsFast() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.path("predictions/gner-t5-base-dev100/predictions.jsonl"));
        long parsed = 0;
        long start = System.nanoTime();
        long deadline = start + 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                parsed += GnerJsonl.parse(line).instance().size() > 0 ? 1 : 0;
            }
        }
        double perSecond = parsed / ((System.nanoTime() - start) / 1e9);
        System.out.printf("GnerJsonl.parse: %.0f prediction lines/s (one thread, incl. warm-up)%n", perSecond);
        // a loose floor that still catches a pathological slowdown; the target is >= 20k lines/s
        assertTrue(perSecond > 2_000, "parsing too slow: " + perSecond + " lines/s");
    }
}
