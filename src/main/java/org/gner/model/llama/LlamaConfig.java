package org.gner.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A LLaMA {@code config.json}, with HF's {@code LlamaConfig} defaults for absent keys.
 *
 * <p>LLaMA has no pad token: when {@code pad_token_id} is absent, {@link #padTokenId} is 0
 * ({@code <unk>}), which is what GNER's {@code run.py} pads with ({@code tokenizer.pad_token =
 * tokenizer.unk_token}). Both {@code <unk>} and {@code </s>} are special tokens, so decoding with
 * {@code skip_special_tokens} drops the filler either way.
 */
public record LlamaConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings,
        int vocabSize,
        long bosTokenId,
        long eosTokenId,
        long padTokenId,
        boolean tieWordEmbeddings) {

    public LlamaConfig {
        require(hiddenSize > 0 && intermediateSize > 0 && numHiddenLayers > 0 && vocabSize > 0
                && maxPositionEmbeddings > 0, "sizes must be positive");
        require(numAttentionHeads > 0 && numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "num_attention_heads (" + numAttentionHeads + ") must be a multiple of num_key_value_heads ("
                        + numKeyValueHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even, got " + headDim);
        require(rmsNormEps > 0 && ropeTheta > 0, "rms_norm_eps and rope_theta must be positive");
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public static LlamaConfig read(Path configJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(configJson.toFile());
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    static LlamaConfig fromJson(JsonNode root) {
        String modelType = root.path("model_type").asText("");
        require(modelType.equals("llama"), "model_type '" + modelType + "' is not supported: expected 'llama'");
        require(isAbsent(root, "rope_scaling"),
                "rope_scaling " + root.path("rope_scaling") + " is not supported (GNER-LLaMA uses plain RoPE)");
        require(root.path("hidden_act").asText("silu").equals("silu"),
                "hidden_act '" + root.path("hidden_act").asText() + "' is not supported: expected 'silu'");
        require(!root.path("attention_bias").asBoolean(false) && !root.path("mlp_bias").asBoolean(false),
                "attention_bias / mlp_bias are not supported (LLaMA has no biases)");
        int hidden = root.path("hidden_size").asInt(4096);
        int heads = root.path("num_attention_heads").asInt(32);
        int kvHeads = isAbsent(root, "num_key_value_heads") ? heads : root.path("num_key_value_heads").asInt();
        int headDim = isAbsent(root, "head_dim") ? hidden / heads : root.path("head_dim").asInt();
        return new LlamaConfig(
                hidden,
                root.path("intermediate_size").asInt(11008),
                root.path("num_hidden_layers").asInt(32),
                heads,
                kvHeads,
                headDim,
                root.path("rms_norm_eps").asDouble(1e-6),
                root.path("rope_theta").asDouble(10000.0),
                root.path("max_position_embeddings").asInt(2048),
                root.path("vocab_size").asInt(32000),
                tokenId(root, "bos_token_id", 1),
                tokenId(root, "eos_token_id", 2),
                tokenId(root, "pad_token_id", 0),
                root.path("tie_word_embeddings").asBoolean(false));
    }

    /** A token id, or the first of a list of them (some configs list several eos ids). */
    private static long tokenId(JsonNode root, String key, long fallback) {
        JsonNode node = root.path(key);
        if (node.isArray() && node.size() > 0) {
            node = node.get(0);
        }
        return node.isIntegralNumber() ? node.asLong() : fallback;
    }

    private static boolean isAbsent(JsonNode root, String key) {
        return root.path(key).isMissingNode() || root.path(key).isNull();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
