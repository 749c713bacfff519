package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.load.ModelLoader;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.PromptBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptRunnerTest {
    @TempDir
    static Path tmp;
    private static LoadedModel t5;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TinyT5Checkpoints.write(tmp.resolve("t5"), TinyT5Checkpoints.Spec.flan(11),
                TinyT5Checkpoints.Format.F32);
        t5 = ModelLoader.load(dir.toString(), RuntimeOptions.CPU_FP32);
    }

    @AfterAll
    static void close() {
        t5.close();
    }

    private static List<String> prompts(int n) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w <= i * 3 % 11; w++) {
                words.add("word" + (w * 7 + i));
            }
            prompts.add(PromptBuilder.instruction(List.of("person", "location"), words, null));
        }
        return prompts;
    }

    @Test
    void resultsComeBackInInputOrderWhateverTheBatching() {
        List<String> prompts = prompts(7);
        DecodingOptions oneBatch = new DecodingOptions(12, 1, 1 << 20, 64, 0);
        DecodingOptions tiny = new DecodingOptions(12, 1, 1, 64, 0);
        AtomicInteger done = new AtomicInteger();
        List<PromptResult> batched = new PromptRunner(t5, oneBatch).run(prompts, done::addAndGet);
        List<PromptResult> alone = new PromptRunner(t5, tiny).run(prompts, n -> { });
        assertEquals(7, done.get());
        for (int i = 0; i < prompts.size(); i++) {
            PromptResult r = batched.get(i);
            assertNull(r.error());
            assertArrayEquals(t5.tokenizer().encode(prompts.get(i)), r.inputIds());
            assertFalse(r.truncated());
            assertTrue(r.tokenIds().length >= 1 && r.tokenIds().length <= 12);
            assertEquals(t5.tokenizer().decode(r.tokenIds()), r.text());
            assertArrayEquals(r.tokenIds(), alone.get(i).tokenIds(), "prompt " + i + " batched vs alone");
        }
    }

    @Test
    void longPromptsAreCutAndFlagged() {
        List<String> prompts = prompts(3);
        List<PromptResult> results = new PromptRunner(t5, new DecodingOptions(4, 1, 4096, 8, 20))
                .run(prompts, n -> { });
        for (int i = 0; i < prompts.size(); i++) {
            PromptResult r = results.get(i);
            assertEquals(20, r.inputIds().length);
            assertTrue(r.truncated());
            assertEquals(t5.tokenizer().encode(prompts.get(i)).length, r.promptTokens());
            assertEquals(1L, r.inputIds()[19]);
        }
    }

    @Test
    void beamSearchRuns() {
        List<PromptResult> results = new PromptRunner(t5, new DecodingOptions(6, 3, 4096, 8, 0))
                .run(prompts(2), n -> { });
        assertEquals(2, results.size());
        results.forEach(r -> assertNull(r.error()));
    }

    @Test
    void llamaPredictionIsTheTextAfterInst() throws Exception {
        Path dir = TinyLlamaCheckpoints.write(tmp.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        try (LoadedModel llama = ModelLoader.load(dir.toString(), RuntimeOptions.CPU_FP32)) {
            String prompt = PromptBuilder.llama(prompts(1).get(0));
            PromptResult r = new PromptRunner(llama, new DecodingOptions(5, 1, 4096, 8, 0))
                    .run(List.of(prompt), n -> { }).get(0);
            assertNull(r.error());
            long[] all = new long[r.inputIds().length + r.tokenIds().length];
            System.arraycopy(r.inputIds(), 0, all, 0, r.inputIds().length);
            System.arraycopy(r.tokenIds(), 0, all, r.inputIds().length, r.tokenIds().length);
            assertEquals(LlamaOutputs.generationText(llama.tokenizer().decode(all)), r.text());
            assertEquals(1L, r.inputIds()[0]);
        }
    }
}
