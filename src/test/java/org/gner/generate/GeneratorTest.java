package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    private static final long A = 2;
    private static final long B = 3;
    private static final long EOS = ScriptedModel.EOS;

    @TempDir
    Path dir;

    private static final List<long[]> PROMPTS = List.of(
            new long[] {100, 2000, 31, 7, 9999, 1},
            new long[] {5, 6, 7, 1},
            new long[] {32000, 1234, 42, 43, 44, 45, 46, 47, 48, 1},
            new long[] {3, 1});

    /** Prompt {1} says A A EOS, prompt {2} says B B B B ..., prompt {3} says EOS at once. */
    private static ScriptedModel threeSpeakers() {
        return new ScriptedModel(5, (prompt, prefix) -> {
            switch ((int) prompt[0]) {
                case 1:
                    return prefix.size() < 2 ? new double[] {.1, .1, .6, .1, .1} : new double[] {.1, .6, .1, .1, .1};
                case 2:
                    return new double[] {.1, .1, .1, .6, .1};
                default:
                    return new double[] {.1, .6, .1, .1, .1};
            }
        });
    }

    @Test
    void greedyStopsEachRowAtItsOwnEosAndFeedsPadsAfterwards() {
        ScriptedModel model = threeSpeakers();
        List<long[]> out = new Generator().generate(model,
                List.of(new long[] {1}, new long[] {2}, new long[] {3}), GenerationConfig.greedy(5));
        assertArrayEquals(new long[] {A, A, EOS}, out.get(0));
        assertArrayEquals(new long[] {B, B, B, B, B}, out.get(1));
        assertArrayEquals(new long[] {EOS}, out.get(2));
        // after EOS a row is only ever fed pad
        assertTrue(model.fedAfterFinish.stream().allMatch(fed -> fed.get(1) == ScriptedModel.PAD), model.fedAfterFinish.toString());
        assertEquals(4, model.forwardCalls, "prefill + 4 forwards give 5 tokens; none after the limit");
    }

    @Test
    void greedyStopsAsSoonAsEveryRowIsFinished() {
        ScriptedModel model = threeSpeakers();
        List<long[]> out = new Generator().generate(model, List.of(new long[] {1}, new long[] {3}),
                GenerationConfig.greedy(50));
        assertArrayEquals(new long[] {A, A, EOS}, out.get(0));
        assertArrayEquals(new long[] {EOS}, out.get(1));
        assertEquals(2, model.forwardCalls);
    }

    @Test
    void beamSearchWithOneBeamIsGreedyOnTheScriptedModel() {
        GenerationConfig oneBeam = new GenerationConfig(6, 1, 1.0, GenerationConfig.EarlyStopping.FALSE);
        List<long[]> prompts = List.of(new long[] {1}, new long[] {2}, new long[] {3});
        List<long[]> greedy = new Generator().generate(threeSpeakers(), prompts, oneBeam);
        List<long[]> beam = new Generator().beamSearch(threeSpeakers(), prompts, oneBeam, null, 0);
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(greedy.get(i), beam.get(i));
        }
    }

    private T5Model tinyT5(long seed) throws IOException {
        Path folder = TinyT5Checkpoints.write(dir.resolve("t5-" + seed), Spec.flan(seed), Format.F32);
        return T5Model.load(folder, RuntimeOptions.CPU_FP32);
    }

    @Test
    void beamSearchWithOneBeamIsGreedyOnT5() throws IOException {
        try (T5Model model = tinyT5(21)) {
            GenerationConfig config = GenerationConfig.greedy(12);
            List<long[]> greedy = new Generator().generate(model, PROMPTS, config);
            List<long[]> beam = new Generator().beamSearch(model, PROMPTS, config, null, 0);
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertEquals(12, greedy.get(i).length);
                assertArrayEquals(greedy.get(i), beam.get(i), "prompt " + i);
            }
            // the random model is not degenerate: prompts lead to different outputs
            assertNotEquals(List.of(greedy.get(0)[0], greedy.get(0)[1]), List.of(greedy.get(1)[0], greedy.get(1)[1]));
        }
    }

    @Test
    void batchedGenerationMatchesEachPromptAloneOnT5() throws IOException {
        try (T5Model model = tinyT5(22)) {
            for (GenerationConfig config : List.of(GenerationConfig.greedy(10), GenerationConfig.beams(10, 3))) {
                List<long[]> batched = new Generator().generate(model, PROMPTS, config);
                for (int i = 0; i < PROMPTS.size(); i++) {
                    long[] alone = new Generator().generate(model, List.of(PROMPTS.get(i)), config).get(0);
                    assertArrayEquals(alone, batched.get(i), config + " prompt " + i);
                }
            }
        }
    }

    @Test
    void generationLeavesNoArraysInTheScopeItIsGiven() throws IOException {
        try (T5Model model = tinyT5(24); NDManager parent = model.newScope()) {
            GenerativeModel counted = new GenerativeModel() {
                @Override
                public ModelSpec spec() {
                    return model.spec();
                }

                @Override
                public DecodeState begin(NDManager scope, List<long[]> promptIds) {
                    return model.begin(scope, promptIds);
                }

                @Override
                public NDManager newScope() {
                    return parent.newSubManager();
                }

                @Override
                public void close() {}
            };
            for (GenerationConfig config : List.of(GenerationConfig.greedy(20), GenerationConfig.beams(20, 3))) {
                new Generator().generate(counted, PROMPTS, config);
                assertEquals(0, parent.getManagedArrays().size(), config.toString());
            }
        }
    }

    @Test
    void tinyCheckpointGeneratesFromARealGnerPromptThroughItsOwnTokenizer() throws IOException {
        Path folder = TinyT5Checkpoints.write(dir.resolve("e2e"), Spec.v1(25), Format.BF16);
        String line = java.nio.file.Files.readAllLines(SharedData.path("datasets/gner-jsonl/zero-shot-dev-100.jsonl")).get(0);
        String instruction = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line)
                .path("instance").path("instruction_inputs").asText();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(folder);
                T5Model model = T5Model.load(folder, RuntimeOptions.CPU_FP32)) {
            long[] ids = tokenizer.encode(instruction).getIds();
            assertTrue(ids.length > 100, "a GNER instruction is long: " + ids.length);
            assertEquals(EOS, ids[ids.length - 1], "the T5 tokenizer appends </s>");
            assertTrue(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < model.spec().vocabSize()));
            long[] out = new Generator().generate(model, List.of(ids), GenerationConfig.beams(10, 2)).get(0);
            assertTrue(out.length >= 1 && out.length <= 10);
            assertTrue(tokenizer.decode(out, true) != null);
        }
    }

    @Test
    void configRejectsNonsenseAndMapsHfBooleans() {
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.beams(5, 0));
        assertEquals(GenerationConfig.EarlyStopping.TRUE, new GenerationConfig(5, 2, 1.0, true).earlyStopping());
        assertEquals(new GenerationConfig(640, 1, 1.0, false), GenerationConfig.GNER);
        assertEquals(List.of(), new Generator().generate(threeSpeakers(), List.of(), GenerationConfig.GNER));
    }

    @Test
    void scriptedTablesWork() {
        ScriptedModel.Script s = ScriptedModel.table(Map.of("2 3", new double[] {1}), new double[] {2});
        assertEquals(1, s.next(new long[] {7}, List.of(2L, 3L))[0]);
        assertEquals(2, s.next(new long[] {7}, List.of(2L))[0]);
    }
}
