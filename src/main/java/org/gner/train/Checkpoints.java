package org.gner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.gner.model.CheckpointFiles;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.T5Model;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.WeightStore;

/**
 * HF-format checkpoint folders: {@code config.json}, {@code generation_config.json},
 * {@code model.safetensors} (fp32, HF names, no tied head), the tokenizer files; a resumable one
 * adds {@code optimizer/model.safetensors} (AdamW moments) and {@code trainer_state.json}.
 */
public final class Checkpoints {
    static final String PREFIX = "checkpoint-";
    static final String STATE_FILE = "trainer_state.json";
    static final String OPTIMIZER_DIR = "optimizer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "spiece.model");

    private Checkpoints() {}

    /** Writes the model as a HF checkpoint into {@code dir}; {@code configJson} is copied as it is. */
    public static void writeModel(Path dir, T5Model model, Path configJson, Path tokenizerDir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(configJson, dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        T5Config c = model.config();
        // Keep what the source model's generation config says beyond the ids (its "gner_decoding" above
        // all): a model fine-tuned from the shipped one must still decode the way it was trained to.
        Path sourceGeneration = configJson.resolveSibling("generation_config.json");
        ObjectNode generation = Files.isRegularFile(sourceGeneration)
                && JSON.readTree(sourceGeneration.toFile()) instanceof ObjectNode source
                ? source : JSON.createObjectNode();
        generation.put("decoder_start_token_id", c.decoderStartTokenId());
        generation.put("eos_token_id", c.eosTokenId());
        generation.put("pad_token_id", c.padTokenId());
        Files.writeString(dir.resolve("generation_config.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(generation));
        copyPresent(TOKENIZER_FILES, tokenizerDir, dir);
        try (NDManager scope = model.newScope()) {
            writeTensors(dir.resolve(CheckpointFiles.SINGLE_FILE), model.checkpointTensors(scope));
        }
    }

    /**
     * Copies the model checkpoint {@code from} (its config, generation config and tokenizer files) to
     * {@code to} with every tensor narrowed to bf16 (round to nearest even): half the bytes, for
     * shipping. The runtime widens bf16 back to fp32 on load.
     */
    public static void exportBf16(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("config.json"), to.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        copyGenerationConfigAndTokenizer(from, to);
        WeightStore store = WeightStore.open(from);
        Map<String, TensorData> data = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String name : store.names().stream().sorted().toList()) {
                data.put(name, TensorData.bf16(store.load(name, scope, ai.djl.ndarray.types.DataType.FLOAT32)));
            }
        }
        SafetensorsWriter.write(to.resolve(CheckpointFiles.SINGLE_FILE), data, Map.of("format", "pt"));
    }

    /**
     * Copies what a checkpoint folder holds besides its config and weights (generation config and
     * tokenizer files, those present) from {@code from} to {@code to}: for tools that rewrite the two.
     */
    public static void copyGenerationConfigAndTokenizer(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        copyPresent(Stream.concat(Stream.of("generation_config.json"), TOKENIZER_FILES.stream()).toList(), from, to);
    }

    /** Copies each named file {@code from} holds to {@code to}; a folder copied onto itself is left alone. */
    private static void copyPresent(List<String> names, Path from, Path to) throws IOException {
        for (String name : names) {
            Path source = from.resolve(name);
            if (Files.isRegularFile(source) && !source.equals(to.resolve(name))) {
                Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A resumable checkpoint: the model, the optimiser moments and the trainer state. */
    public static void writeResumable(Path dir, T5Model model, Path configJson, Path tokenizerDir, AdamW optimizer,
            TrainerState state) throws IOException {
        writeModel(dir, model, configJson, tokenizerDir);
        Files.createDirectories(dir.resolve(OPTIMIZER_DIR));
        writeTensors(dir.resolve(OPTIMIZER_DIR).resolve(CheckpointFiles.SINGLE_FILE), optimizer.state());
        Files.writeString(dir.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
    }

    private static void writeTensors(Path file, Map<String, NDArray> arrays) throws IOException {
        Map<String, TensorData> data = new LinkedHashMap<>();
        arrays.forEach((name, array) -> data.put(name, TensorData.of(array)));
        SafetensorsWriter.write(file, data, Map.of("format", "pt"));
    }

    /** Restores the optimiser moments and step count of a resumable checkpoint; returns its state. */
    public static TrainerState restore(Path dir, AdamW optimizer, NDManager manager) throws IOException {
        TrainerState state = JSON.readValue(dir.resolve(STATE_FILE).toFile(), TrainerState.class);
        WeightStore store = WeightStore.open(dir.resolve(OPTIMIZER_DIR));
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> saved = new LinkedHashMap<>();
            for (String name : store.names()) {
                saved.put(name, store.load(name, scope, ai.djl.ndarray.types.DataType.FLOAT32));
            }
            optimizer.restore(saved, state.step());
        }
        return state;
    }

    /** The checkpoint with the highest step under {@code output}, if any. */
    public static Optional<Path> latest(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(output)) {
            return children.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .max(Comparator.comparingLong(Checkpoints::stepOf));
        }
    }

    /** Deletes all but the {@code keep} newest checkpoints. */
    public static void prune(Path output, int keep) throws IOException {
        List<Path> all;
        try (Stream<Path> children = Files.list(output)) {
            all = children.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf).reversed()).toList();
        }
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            try (Stream<Path> files = Files.walk(old)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static long stepOf(Path checkpoint) {
        try {
            return Long.parseLong(checkpoint.getFileName().toString().substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
