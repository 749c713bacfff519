package org.gner.model.t5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A T5 {@code config.json} with HF's defaults for absent keys (as {@code T5Config.__init__} applies
 * them), covering T5 v1.0 (relu, tied embeddings) and v1.1 / Flan-T5 / GNER-T5 (gated-gelu, untied).
 *
 * @param denseActFn the FFN activation: {@code relu}, {@code gelu_new} (tanh approximation; what
 *     {@code gated-gelu} means), {@code gelu_pytorch_tanh} (the same) or {@code gelu} (erf)
 * @param isGatedAct whether the FFN is {@code act(x wi_0) * (x wi_1)} rather than {@code act(x wi)}
 * @param tieWordEmbeddings lm_head is {@code shared}, and the decoder output is scaled by
 *     {@code d_model^-0.5} before it
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numDecoderLayers,
        int numHeads,
        int relativeAttentionNumBuckets,
        int relativeAttentionMaxDistance,
        double layerNormEpsilon,
        String feedForwardProj,
        String denseActFn,
        boolean isGatedAct,
        boolean tieWordEmbeddings,
        long padTokenId,
        long eosTokenId,
        long decoderStartTokenId) {

    private static final Set<String> ACTIVATIONS = Set.of("relu", "gelu", "gelu_new", "gelu_pytorch_tanh");

    public T5Config {
        if (!ACTIVATIONS.contains(denseActFn)) {
            throw new IllegalArgumentException("unsupported T5 activation '" + denseActFn + "' (supported: "
                    + ACTIVATIONS + ")");
        }
        for (int v : new int[] {vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads,
                relativeAttentionNumBuckets, relativeAttentionMaxDistance}) {
            if (v <= 0) {
                throw new IllegalArgumentException("T5 config sizes must be positive: " + this);
            }
        }
    }

    /** Query/key/value width of one attention layer: {@code num_heads * d_kv}. */
    public int innerDim() {
        return numHeads * dKv;
    }

    public static T5Config read(Path configJson) throws IOException {
        return parse(new ObjectMapper().readTree(configJson.toFile()), configJson.toString());
    }

    static T5Config parse(JsonNode json, String source) {
        String modelType = json.path("model_type").asText("t5");
        if (!modelType.equals("t5")) {
            throw new IllegalArgumentException(source + ": model_type '" + modelType + "' is not t5");
        }
        int numLayers = json.path("num_layers").asInt(6);
        String feedForwardProj = json.path("feed_forward_proj").asText("relu");
        String[] actInfo = feedForwardProj.split("-");
        if ((actInfo.length > 1 && !actInfo[0].equals("gated")) || actInfo.length > 2) {
            throw new IllegalArgumentException(source + ": feed_forward_proj '" + feedForwardProj
                    + "' is neither `gated-{ACT_FN}` nor `{ACT_FN}`");
        }
        String denseActFn = feedForwardProj.equals("gated-gelu") ? "gelu_new" : actInfo[actInfo.length - 1];
        boolean isGatedAct = actInfo[0].equals("gated");
        // HF's PretrainedConfig sets any extra keys after T5Config derived these, so saved values win.
        if (json.hasNonNull("dense_act_fn")) {
            denseActFn = json.get("dense_act_fn").asText();
        }
        if (json.hasNonNull("is_gated_act")) {
            isGatedAct = json.get("is_gated_act").asBoolean();
        }
        return new T5Config(
                json.path("vocab_size").asInt(32128),
                json.path("d_model").asInt(512),
                json.path("d_kv").asInt(64),
                json.path("d_ff").asInt(2048),
                numLayers,
                json.hasNonNull("num_decoder_layers") ? json.get("num_decoder_layers").asInt() : numLayers,
                json.path("num_heads").asInt(8),
                json.path("relative_attention_num_buckets").asInt(32),
                json.path("relative_attention_max_distance").asInt(128),
                json.path("layer_norm_epsilon").asDouble(1e-6),
                feedForwardProj,
                denseActFn,
                isGatedAct,
                json.path("tie_word_embeddings").asBoolean(true),
                json.path("pad_token_id").asLong(0),
                firstId(json.path("eos_token_id"), 1),
                json.hasNonNull("decoder_start_token_id") ? json.get("decoder_start_token_id").asLong() : 0);
    }

    /** eos_token_id may be a list in newer configs; generation stops on the first. */
    private static long firstId(JsonNode node, long fallback) {
        if (node.isArray()) {
            return node.size() == 0 ? fallback : node.get(0).asLong();
        }
        return node.isNull() || node.isMissingNode() ? fallback : node.asLong();
    }
}
