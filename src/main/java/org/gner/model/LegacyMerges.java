package org.gner.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Repairs BPE merges saved in the legacy {@code "left right"} string form when a token itself holds a
 * space. The LLaMA vocabulary has such tokens ({@code " "}, {@code "  "}, {@code "▁ "}), so its merge
 * {@code "   "} cannot be split on the space and the Rust tokenizers library refuses the file ("Merges
 * text file invalid"). Each merge is rewritten as a {@code [left, right]} pair, choosing the one split
 * whose halves and concatenation are all vocabulary tokens, as a BPE merge must be.
 */
final class LegacyMerges {
    private LegacyMerges() {}

    static boolean needRepair(JsonNode tokenizerJson) {
        JsonNode merges = tokenizerJson.path("model").path("merges");
        if (!merges.isArray()) {
            return false;
        }
        for (JsonNode merge : merges) {
            if (merge.isTextual() && spaces(merge.asText()) != 1) {
                return true;
            }
        }
        return false;
    }

    /** The tokenizer JSON with every merge as a pair. */
    static byte[] repair(JsonNode tokenizerJson, Path file) throws IOException {
        ObjectNode root = tokenizerJson.deepCopy();
        ObjectNode model = (ObjectNode) root.get("model");
        JsonNode vocab = model.path("vocab");
        ArrayNode pairs = root.arrayNode();
        int line = 0;
        for (JsonNode merge : model.get("merges")) {
            line++;
            if (!merge.isTextual()) {
                pairs.add(merge);
                continue;
            }
            String text = merge.asText();
            int split = -1;
            for (int i = text.indexOf(' '); i >= 0; i = text.indexOf(' ', i + 1)) {
                String left = text.substring(0, i);
                String right = text.substring(i + 1);
                if (vocab.has(left) && vocab.has(right) && vocab.has(left + right)) {
                    if (split >= 0) {
                        throw new IOException(file + ": merge " + line + " '" + text + "' splits into vocabulary"
                                + " tokens in more than one way");
                    }
                    split = i;
                }
            }
            if (split < 0) {
                throw new IOException(file + ": merge " + line + " '" + text + "' is not two vocabulary tokens");
            }
            pairs.addArray().add(text.substring(0, split)).add(text.substring(split + 1));
        }
        model.set("merges", pairs);
        return new ObjectMapper().writeValueAsBytes(root);
    }

    private static int spaces(String s) {
        return (int) s.chars().filter(c -> c == ' ').count();
    }
}
