package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.CheckpointFiles;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.weights.WeightStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model written as a HF checkpoint loads back through the runtime with the same logits. */
class CheckpointRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void writtenCheckpointGivesTheInMemoryLogits() throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            Path start = TinyTrainingSetup.model(tmp.resolve("start-" + tied),
                    new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 2, 1, 7), tied, false, 3);
            Path out = tmp.resolve("out-" + tied);
            TrainingOptions options = new TrainingOptions(2, 1e-3, 0.0, 0.01, 1.0, 2000, 256, 128, 5, 0, 1, 1, 3, 0);
            try (ModelTokenizer tokenizer = ModelTokenizer.load(start);
                    T5Model model = T5Model.loadForTraining(start, Device.cpu())) {
                Trainer trainer = new Trainer(model, tokenizer, TinyTrainingSetup.mitMovie(8), List.of(), null,
                        options, out, start.resolve("config.json"), start, System.err);
                trainer.run(null);
                Path checkpoint = out.resolve("checkpoint-3");
                WeightStore store = WeightStore.open(checkpoint);
                assertTrue(store.contains("shared.weight"));
                assertEquals(!tied, store.contains("lm_head.weight"));
                assertFalse(store.names().stream().anyMatch(n -> n.contains("|")));
                assertTrue(Files.isRegularFile(checkpoint.resolve("generation_config.json")));
                assertTrue(Files.isRegularFile(checkpoint.resolve("tokenizer.json")));

                List<long[]> prompts = List.of(tokenizer.encode("Find the director in: films by james cameron"),
                        tokenizer.encode("hello"));
                List<long[]> inputs = List.of(new long[] {0, 71, 8, 12}, new long[] {0, 5, 6, 1});
                try (T5Model loaded = T5Model.load(checkpoint, RuntimeOptions.CPU_FP32);
                        NDManager manager = NDManager.newBaseManager()) {
                    float[] expected = model.logits(manager, prompts, inputs).toFloatArray();
                    float[] actual = loaded.logits(manager, prompts, inputs).toFloatArray();
                    assertArrayEquals(expected, actual, 1e-4f);
                }
            }
        }
    }

    @Test
    void bf16ExportHalvesTheFileAndKeepsTheLogitsClose() throws Exception {
        Path fp32 = TinyTrainingSetup.model(tmp.resolve("fp32"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 2, 1, 7), true, false, 3);
        Path bf16 = tmp.resolve("bf16");
        Checkpoints.exportBf16(fp32, bf16);
        WeightStore source = WeightStore.open(fp32);
        WeightStore exported = WeightStore.open(bf16);
        assertEquals(source.names(), exported.names());
        for (String name : exported.names()) {
            assertEquals(org.gner.model.weights.TensorDtype.BF16, exported.info(name).dtype(), name);
            assertArrayEquals(source.info(name).shape(), exported.info(name).shape(), name);
            try (NDManager m = NDManager.newBaseManager()) {
                float[] full = source.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
                float[] narrowed = exported.load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
                for (int i = 0; i < full.length; i++) { // bf16 keeps 8 significant bits: rounding error <= 2^-8 relative
                    assertEquals(full[i], narrowed[i], Math.abs(full[i]) / 256 + 1e-30, name + "[" + i + "]");
                }
            }
        }
        long before = Files.size(fp32.resolve(CheckpointFiles.SINGLE_FILE));
        long after = Files.size(bf16.resolve(CheckpointFiles.SINGLE_FILE));
        assertTrue(after < before * 0.55, before + " -> " + after + " bytes");
        for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(bf16.resolve(file)), file);
        }
        try (ModelTokenizer tokenizer = ModelTokenizer.load(bf16);
                T5Model a = T5Model.load(fp32, RuntimeOptions.CPU_FP32);
                T5Model b = T5Model.load(bf16, RuntimeOptions.CPU_FP32);
                NDManager manager = NDManager.newBaseManager()) {
            List<long[]> prompts = List.of(tokenizer.encode("Find the director in: films by james cameron"));
            List<long[]> inputs = List.of(new long[] {0, 71, 8, 12});
            float[] expected = a.logits(manager, prompts, inputs).toFloatArray();
            float[] actual = b.logits(manager, prompts, inputs).toFloatArray();
            assertArrayEquals(expected, actual, 0.05f);
        }
    }

    @Test
    void checkpointKeepsTheSourceModelsDecoding() throws Exception {
        Path start = TinyTrainingSetup.model(tmp.resolve("start-decoding"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 2, 1, 7), true, false, 3);
        Files.writeString(start.resolve("generation_config.json"),
                "{\"decoder_start_token_id\": 0, \"eos_token_id\": 1, \"pad_token_id\": 0,"
                        + " \"gner_decoding\": \"constrained\", \"gner_o_bias\": 0.5}");
        Path out = tmp.resolve("out-decoding");
        try (T5Model model = T5Model.loadForTraining(start, Device.cpu())) {
            Checkpoints.writeModel(out, model, start.resolve("config.json"), start);
        }
        JsonNode written = new ObjectMapper().readTree(out.resolve("generation_config.json").toFile());
        assertEquals("constrained", written.path("gner_decoding").asText());
        assertEquals(0.5, written.path("gner_o_bias").asDouble());
        assertEquals(1, written.path("eos_token_id").asInt());
    }
}
