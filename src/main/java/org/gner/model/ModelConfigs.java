package org.gner.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Reads the small JSON configs of a HF model folder. */
public final class ModelConfigs {
    public static final Set<String> SUPPORTED_TYPES = Set.of("t5", "llama");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfigs() {}

    /** {@code model_type} from {@code dir/config.json}: "t5" or "llama". */
    public static String modelType(Path dir) throws IOException {
        Path file = Files.isDirectory(dir) ? dir.resolve("config.json") : dir;
        JsonNode type = readJson(file).get("model_type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new IOException(file + ": no model_type");
        }
        String value = type.asText();
        if (!SUPPORTED_TYPES.contains(value)) {
            throw new IOException(file + ": model_type '" + value + "' is not supported (supported: t5, llama)");
        }
        return value;
    }

    static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        return root;
    }

    /**
     * The generation settings a checkpoint ships in {@code generation_config.json}; every field is
     * absent when the file or the key is.
     *
     * @param eosTokenIds one or several ids ({@code eos_token_id} may be an int or a list)
     * @param gnerDecoding this project's {@code gner_decoding}: the decoding the model is meant for
     * @param gnerOutsideBias this project's {@code gner_o_bias}: the constrained O penalty it is meant for
     * @param gnerLabelTemperature this project's {@code gner_label_temperature}: the temperature of the
     *     label-decision logits fitted for calibrated entity confidences
     */
    public record GenerationDefaults(
            OptionalLong decoderStartTokenId,
            List<Long> eosTokenIds,
            OptionalLong padTokenId,
            OptionalInt maxLength,
            OptionalInt maxNewTokens,
            OptionalInt numBeams,
            java.util.Optional<String> gnerDecoding,
            java.util.OptionalDouble gnerOutsideBias,
            java.util.OptionalDouble gnerLabelTemperature) {

        public static final GenerationDefaults EMPTY = new GenerationDefaults(OptionalLong.empty(), List.of(),
                OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                java.util.Optional.empty(), java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty());

        public GenerationDefaults {
            eosTokenIds = List.copyOf(eosTokenIds);
        }

        public static GenerationDefaults read(Path dir) throws IOException {
            Path file = Files.isDirectory(dir) ? dir.resolve("generation_config.json") : dir;
            if (!Files.exists(file)) {
                return EMPTY;
            }
            JsonNode root = readJson(file);
            return new GenerationDefaults(
                    optionalLong(root, "decoder_start_token_id", file),
                    idList(root, "eos_token_id", file),
                    optionalLong(root, "pad_token_id", file),
                    optionalInt(root, "max_length", file),
                    optionalInt(root, "max_new_tokens", file),
                    optionalInt(root, "num_beams", file),
                    optionalText(root, "gner_decoding", file),
                    optionalDouble(root, "gner_o_bias", file),
                    positive(optionalDouble(root, LABEL_TEMPERATURE_KEY, file), LABEL_TEMPERATURE_KEY, file));
        }

        /** The key of the fitted label temperature in {@code generation_config.json}. */
        public static final String LABEL_TEMPERATURE_KEY = "gner_label_temperature";

        private static java.util.OptionalDouble positive(java.util.OptionalDouble v, String key, Path file)
                throws IOException {
            if (v.isPresent() && !(v.getAsDouble() > 0 && Double.isFinite(v.getAsDouble()))) {
                throw new IOException(file + ": " + key + " must be a positive number, not " + v.getAsDouble());
            }
            return v;
        }

        private static java.util.Optional<String> optionalText(JsonNode root, String key, Path file)
                throws IOException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return java.util.Optional.empty();
            }
            if (!v.isTextual()) {
                throw new IOException(file + ": " + key + " must be a string, not " + v);
            }
            return java.util.Optional.of(v.asText());
        }

        private static java.util.OptionalDouble optionalDouble(JsonNode root, String key, Path file)
                throws IOException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return java.util.OptionalDouble.empty();
            }
            if (!v.isNumber()) {
                throw new IOException(file + ": " + key + " must be a number, not " + v);
            }
            return java.util.OptionalDouble.of(v.asDouble());
        }

        private static OptionalLong optionalLong(JsonNode root, String key, Path file) throws IOException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return OptionalLong.empty();
            }
            if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
                throw new IOException(file + ": " + key + " must be an integer, not " + v);
            }
            return OptionalLong.of(v.asLong());
        }

        private static OptionalInt optionalInt(JsonNode root, String key, Path file) throws IOException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return OptionalInt.empty();
            }
            if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
                throw new IOException(file + ": " + key + " must be an integer, not " + v);
            }
            return OptionalInt.of(v.asInt());
        }

        private static List<Long> idList(JsonNode root, String key, Path file) throws IOException {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return List.of();
            }
            List<Long> ids = new ArrayList<>();
            for (JsonNode item : v.isArray() ? v : JSON.createArrayNode().add(v)) {
                if (!item.canConvertToExactIntegral() || !item.canConvertToLong()) {
                    throw new IOException(file + ": " + key + " must be an integer or a list of integers, not " + v);
                }
                ids.add(item.asLong());
            }
            return ids;
        }
    }
}
