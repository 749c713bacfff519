package org.gner.model.t5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5ConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static T5Config parse(String json) throws IOException {
        return T5Config.parse(JSON.readTree(json), "test");
    }

    @Test
    void absentKeysTakeHfDefaults() throws IOException {
        T5Config c = parse("{\"model_type\": \"t5\"}");
        assertEquals(32128, c.vocabSize());
        assertEquals(512, c.dModel());
        assertEquals(64, c.dKv());
        assertEquals(2048, c.dFf());
        assertEquals(6, c.numLayers());
        assertEquals(6, c.numDecoderLayers());
        assertEquals(8, c.numHeads());
        assertEquals(32, c.relativeAttentionNumBuckets());
        assertEquals(128, c.relativeAttentionMaxDistance());
        assertEquals(1e-6, c.layerNormEpsilon());
        assertEquals("relu", c.denseActFn());
        assertFalse(c.isGatedAct());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(0, c.padTokenId());
        assertEquals(1, c.eosTokenId());
        assertEquals(0, c.decoderStartTokenId());
    }

    @Test
    void gnerT5BaseConfigParses() throws IOException {
        // the released GNER-T5-base / flan-t5-base config.json (the keys that matter)
        T5Config c = parse("{\"architectures\": [\"T5ForConditionalGeneration\"], \"d_ff\": 2048, \"d_kv\": 64,"
                + " \"d_model\": 768, \"decoder_start_token_id\": 0, \"dense_act_fn\": \"gelu_new\","
                + " \"eos_token_id\": 1, \"feed_forward_proj\": \"gated-gelu\", \"is_encoder_decoder\": true,"
                + " \"is_gated_act\": true, \"layer_norm_epsilon\": 1e-06, \"model_type\": \"t5\","
                + " \"num_decoder_layers\": 12, \"num_heads\": 12, \"num_layers\": 12, \"pad_token_id\": 0,"
                + " \"relative_attention_max_distance\": 128, \"relative_attention_num_buckets\": 32,"
                + " \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\", \"vocab_size\": 32128}");
        assertEquals(768, c.dModel());
        assertEquals(768, c.innerDim());
        assertEquals("gelu_new", c.denseActFn());
        assertTrue(c.isGatedAct());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(12, c.numDecoderLayers());
    }

    @Test
    void feedForwardProjDerivesTheActivation() throws IOException {
        T5Config gatedGelu = parse("{\"feed_forward_proj\": \"gated-gelu\"}");
        assertEquals("gelu_new", gatedGelu.denseActFn());
        assertTrue(gatedGelu.isGatedAct());
        T5Config gatedRelu = parse("{\"feed_forward_proj\": \"gated-relu\"}");
        assertEquals("relu", gatedRelu.denseActFn());
        assertTrue(gatedRelu.isGatedAct());
        T5Config gelu = parse("{\"feed_forward_proj\": \"gelu\"}");
        assertEquals("gelu", gelu.denseActFn());
        assertFalse(gelu.isGatedAct());
    }

    @Test
    void explicitActivationKeysWinOverFeedForwardProj() throws IOException {
        T5Config c = parse("{\"feed_forward_proj\": \"gated-gelu\", \"dense_act_fn\": \"gelu_pytorch_tanh\","
                + " \"is_gated_act\": false}");
        assertEquals("gelu_pytorch_tanh", c.denseActFn());
        assertFalse(c.isGatedAct());
    }

    @Test
    void eosListTakesItsFirstId() throws IOException {
        assertEquals(7, parse("{\"eos_token_id\": [7, 1]}").eosTokenId());
    }

    @Test
    void badConfigsAreRefusedWithTheReason() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("{\"model_type\": \"llama\"}"));
        assertTrue(e.getMessage().contains("llama"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"feed_forward_proj\": \"fancy-gelu\"}"));
        assertTrue(e.getMessage().contains("fancy-gelu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"feed_forward_proj\": \"gated-swish\"}"));
        assertTrue(e.getMessage().contains("swish"), e.getMessage());
    }

    @Test
    void readsAFile() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"model_type\": \"t5\", \"d_model\": 16, \"num_layers\": 3}");
        T5Config c = T5Config.read(file);
        assertEquals(16, c.dModel());
        assertEquals(3, c.numDecoderLayers());
    }
}
