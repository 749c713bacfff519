package org.gner.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaConfigTest {

    @TempDir
    Path dir;

    private LlamaConfig read(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return LlamaConfig.read(file);
    }

    @Test
    void absentKeysTakeHfDefaults() throws IOException {
        LlamaConfig c = read("{\"model_type\": \"llama\"}");
        assertEquals(4096, c.hiddenSize());
        assertEquals(11008, c.intermediateSize());
        assertEquals(32, c.numHiddenLayers());
        assertEquals(32, c.numAttentionHeads());
        assertEquals(32, c.numKeyValueHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(128, c.headDim());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertEquals(32000, c.vocabSize());
        assertEquals(1, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
        assertEquals(0, c.padTokenId(), "LLaMA has no pad token: <unk>, as GNER pads");
        assertFalse(c.tieWordEmbeddings());
    }

    @Test
    void llama1SevenBConfigAsReleased() throws IOException {
        LlamaConfig c = read("{\"architectures\": [\"LlamaForCausalLM\"], \"bos_token_id\": 1, \"eos_token_id\": 2,"
                + " \"hidden_act\": \"silu\", \"hidden_size\": 4096, \"intermediate_size\": 11008,"
                + " \"max_position_embeddings\": 2048, \"model_type\": \"llama\", \"num_attention_heads\": 32,"
                + " \"num_hidden_layers\": 32, \"pad_token_id\": 0, \"rms_norm_eps\": 1e-06,"
                + " \"tie_word_embeddings\": false, \"torch_dtype\": \"float16\", \"vocab_size\": 32000}");
        assertEquals(1, c.groupSize());
        assertEquals(128, c.headDim());
    }

    @Test
    void explicitValuesWin() throws IOException {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2, \"head_dim\": 32, \"rope_theta\": 500000.0, \"rope_scaling\": null,"
                + " \"eos_token_id\": [7, 8], \"pad_token_id\": null, \"rms_norm_eps\": 1e-5}");
        assertEquals(2, c.groupSize());
        assertEquals(32, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(7, c.eosTokenId());
        assertEquals(0, c.padTokenId());
        assertEquals(1e-5, c.rmsNormEps());
    }

    @Test
    void ropeScalingIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}"));
        assertTrue(e.getMessage().contains("rope_scaling") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void otherModelTypesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> read("{\"model_type\": \"t5\"}"));
        assertTrue(e.getMessage().contains("model_type 't5'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("{\"hidden_size\": 64}"));
    }

    @Test
    void headsMustGroupEvenly() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_key_value_heads\": 5}"));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    }
}
