package org.gner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelTokenizer t5;
    private static ModelTokenizer llama;

    @BeforeAll
    static void load() throws IOException {
        t5 = ModelTokenizer.load(SharedData.flanT5Tokenizer().getParent());
        llama = ModelTokenizer.load(SharedData.llamaTokenizer().getParent());
    }

    @AfterAll
    static void close() {
        t5.close();
        llama.close();
    }

    /** A GNER prediction record: the prompt text and the ids GNER-T5 was actually fed. */
    record Fed(String file, String id, String prompt, long[] inputIds) {}

    static List<Fed> gnerPredictions() throws IOException {
        List<Fed> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(SharedData.path("predictions"))) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve("predictions.jsonl");
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode record = JSON.readTree(line);
                    long[] ids = new long[record.get("input_ids").size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = record.get("input_ids").get(i).asLong();
                    }
                    all.add(new Fed(dir.getFileName().toString(), record.path("id").asText(),
                            record.get("instance").get("instruction_inputs").asText(), ids));
                }
            }
        }
        return all;
    }

    @Test
    void flanT5ReproducesTheIdsGnerWasFed() throws IOException {
        List<Fed> records = gnerPredictions();
        assertTrue(records.size() >= 2100, "expected the three 700-record prediction files, got " + records.size());
        for (Fed r : records) {
            assertArrayEquals(r.inputIds(), t5.encode(r.prompt()), r.file() + " record " + r.id());
        }
    }

    @Test
    void batchEncodingMatchesSingleEncodingWithoutPadding() throws IOException {
        List<Fed> records = gnerPredictions().subList(0, 64);
        List<long[]> batch = t5.encodeBatch(records.stream().map(Fed::prompt).toList());
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(records.get(i).inputIds(), batch.get(i));
        }
        assertEquals(List.of(), t5.encodeBatch(List.of()));
    }

    @Test
    void longInputsAreNotTruncated() {
        String text = "word ".repeat(2000);
        long[] ids = t5.encode(text);
        assertEquals(2001, ids.length); // "▁word" x 2000 + </s>, far past model_max_length 512
        assertEquals(1, ids[ids.length - 1]);
    }

    @Test
    void llamaReproducesTheReferenceTokenizerOnHardStrings() throws IOException {
        String inputs = Files.readString(SharedData.path("tokenizers/llama/ggml-vocab-llama-spm.gguf.inp"));
        List<String> outputs = Files.readAllLines(SharedData.path("tokenizers/llama/ggml-vocab-llama-spm.gguf.out"));
        // Each input is followed by "\n__ggml_vocab_test__\n"; each output line holds that input's ids.
        List<String> cases = new ArrayList<>(Arrays.asList(inputs.split("\n__ggml_vocab_test__\n", -1)));
        assertEquals("", cases.remove(cases.size() - 1));
        assertEquals(outputs.size(), cases.size());
        for (int i = 0; i < cases.size(); i++) {
            String line = outputs.get(i).trim();
            long[] expected = line.isEmpty() ? new long[0]
                    : Arrays.stream(line.split(" +")).mapToLong(Long::parseLong).toArray();
            assertArrayEquals(expected, llama.encodeWithoutSpecial(cases.get(i)), "case " + i + ": " + cases.get(i));
        }
    }

    @Test
    void specialTokensFollowEachTokenizersOwnTemplate() {
        long[] t5Ids = t5.encode("Hello world");
        assertEquals(t5.tokenId("</s>"), t5Ids[t5Ids.length - 1]);
        assertArrayEquals(Arrays.copyOf(t5Ids, t5Ids.length - 1), t5.encodeWithoutSpecial("Hello world"));

        long[] llamaIds = llama.encode("Hello world");
        assertArrayEquals(new long[] {1, 15043, 3186}, llamaIds);
        assertEquals(llama.tokenId("<s>"), llamaIds[0]);
    }

    @Test
    void decodeSkipsSpecialTokensAndCleansUpLikeTransformers() {
        // Flan-T5's tokenizer_config sets clean_up_tokenization_spaces: " ." becomes "." as in GNER's outputs.
        String labels = "sample(O) .(O) and(O) ,(O)";
        long[] ids = t5.encode(labels);
        assertEquals("sample(O).(O) and(O),(O)", t5.decode(ids));
        assertEquals("sample(O).(O) and(O),(O)</s>", t5.decodeWithSpecial(ids));

        // LLaMA's config turns cleanup off: the text comes back verbatim.
        String text = "Hello , world . It 's fine";
        assertEquals(text, llama.decode(llama.encode(text)));
        assertEquals("<s> " + text, llama.decodeWithSpecial(llama.encode(text)));
    }

    @Test
    void decodeRoundTripsGnerPrompts() throws IOException {
        for (Fed r : gnerPredictions().subList(0, 50)) {
            String expected = ModelTokenizer.cleanUpTokenization(r.prompt().replace("\n", " ").replaceAll(" +", " "))
                    .trim();
            String decoded = t5.decode(r.inputIds());
            if (Arrays.stream(r.inputIds()).noneMatch(id -> id == 2)) { // <unk> (e.g. "{") cannot come back
                assertEquals(expected, decoded, "record " + r.id());
            }
        }
        String text = "Führer said: 4 ½ months, 🦙 and\tsome tea?";
        assertEquals(text, llama.decode(llama.encode(text)));
    }

    @Test
    void cleanUpIsTransformersReplacementList() {
        assertEquals("a. b? c! d, e'f don't I'm it's we've they're 'g",
                ModelTokenizer.cleanUpTokenization("a . b ? c ! d , e ' f do n't I 'm it 's we 've they 're 'g"));
    }

    @Test
    void tokenIdLooksUpVocabularyAndAddedTokens() {
        assertEquals(0, t5.tokenId("<pad>"));
        assertEquals(1, t5.tokenId("</s>"));
        assertEquals(32099, t5.tokenId("<extra_id_0>"));
        assertEquals(t5.encodeWithoutSpecial("the")[0], t5.tokenId("▁the"));
        assertEquals(2, llama.tokenId("</s>"));
        assertEquals(15043, llama.tokenId("▁Hello"));
        assertThrows(IllegalArgumentException.class, () -> t5.tokenId("no-such-token"));
    }

    @Test
    void concurrentEncodingGivesTheSameIds() throws Exception {
        List<Fed> records = gnerPredictions().subList(0, 200);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (Fed r : records) {
                        assertArrayEquals(r.inputIds(), t5.encode(r.prompt()));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadsFromTheJsonFileAndRefusesAMissingOne(@TempDir Path dir) throws IOException {
        try (ModelTokenizer direct = ModelTokenizer.load(SharedData.flanT5Tokenizer())) {
            assertArrayEquals(t5.encode("Hi there"), direct.encode("Hi there"));
        }
        IOException e = assertThrows(IOException.class, () -> ModelTokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());

        ModelTokenizer closed = ModelTokenizer.load(SharedData.llamaTokenizer());
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.encode("x"));
    }
}
