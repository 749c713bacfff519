package org.gner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.gner.model.ModelConfigs.GenerationDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigsTest {

    @TempDir
    Path dir;

    @Test
    void readsSupportedModelTypes() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"T5ForConditionalGeneration\"],"
                + "\"model_type\":\"t5\",\"d_model\":768}");
        assertEquals("t5", ModelConfigs.modelType(dir));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llama\"}");
        assertEquals("llama", ModelConfigs.modelType(dir));
        assertEquals("llama", ModelConfigs.modelType(dir.resolve("config.json")));
    }

    @Test
    void errorsNameTheFile() throws IOException {
        Path config = dir.resolve("config.json");
        assertMessage(() -> ModelConfigs.modelType(dir), config.toString(), "does not exist");

        Files.writeString(config, "{\"d_model\":768}");
        assertMessage(() -> ModelConfigs.modelType(dir), config.toString(), "no model_type");

        Files.writeString(config, "{\"model_type\":\"bert\"}");
        assertMessage(() -> ModelConfigs.modelType(dir), config.toString(), "'bert'", "t5, llama");

        Files.writeString(config, "{\"model_type\":");
        assertMessage(() -> ModelConfigs.modelType(dir), config.toString(), "not valid JSON");
    }

    @Test
    void generationDefaultsOfAT5Checkpoint() throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"_from_model_config\":true,"
                + "\"decoder_start_token_id\":0,\"eos_token_id\":1,\"pad_token_id\":0,"
                + "\"transformers_version\":\"4.33.1\"}");
        GenerationDefaults d = GenerationDefaults.read(dir);
        assertEquals(OptionalLong.of(0), d.decoderStartTokenId());
        assertEquals(List.of(1L), d.eosTokenIds());
        assertEquals(OptionalLong.of(0), d.padTokenId());
        assertEquals(OptionalInt.empty(), d.maxLength());
        assertEquals(OptionalInt.empty(), d.numBeams());
    }

    @Test
    void eosListsNullsAndLimits() throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\":1,\"eos_token_id\":[2,32000],"
                + "\"pad_token_id\":null,\"max_length\":640,\"max_new_tokens\":512,\"num_beams\":4}");
        GenerationDefaults d = GenerationDefaults.read(dir);
        assertEquals(OptionalLong.empty(), d.decoderStartTokenId());
        assertEquals(List.of(2L, 32000L), d.eosTokenIds());
        assertEquals(OptionalLong.empty(), d.padTokenId());
        assertEquals(OptionalInt.of(640), d.maxLength());
        assertEquals(OptionalInt.of(512), d.maxNewTokens());
        assertEquals(OptionalInt.of(4), d.numBeams());
    }

    @Test
    void absentFileGivesEmptyDefaults() throws IOException {
        assertEquals(GenerationDefaults.EMPTY, GenerationDefaults.read(dir));
        assertEquals(List.of(), GenerationDefaults.EMPTY.eosTokenIds());
    }

    @Test
    void badValuesNameFileAndField() throws IOException {
        Path file = dir.resolve("generation_config.json");
        Files.writeString(file, "{\"num_beams\":\"four\"}");
        assertMessage(() -> GenerationDefaults.read(dir), file.toString(), "num_beams");
        Files.writeString(file, "{\"eos_token_id\":[1,\"x\"]}");
        assertMessage(() -> GenerationDefaults.read(dir), file.toString(), "eos_token_id");
        Files.writeString(file, "[]");
        assertMessage(() -> GenerationDefaults.read(dir), file.toString(), "not a JSON object");
    }

    interface Call {
        void run() throws IOException;
    }

    private static void assertMessage(Call call, String... parts) {
        IOException e = assertThrows(IOException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }
}
