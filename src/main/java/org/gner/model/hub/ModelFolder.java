package org.gner.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.gner.model.CheckpointFiles;

/**
 * Which of the files a GNER model needs a folder (local, or a cache snapshot) holds.
 *
 * @param missingRequired required files that are absent
 * @param unknownOptional optional files that are absent and not known to be absent upstream
 * @param missingWeights absent weight files: shards an index names, or the index/single file itself
 * @param pickleOnly the folder holds a pickle checkpoint and no safetensors
 */
record ModelFolder(Path dir, List<String> missingRequired, List<String> unknownOptional, List<String> missingWeights,
        boolean pickleOnly) {

    static final List<String> REQUIRED = List.of("config.json", "tokenizer.json");
    static final List<String> OPTIONAL = List.of(
            "tokenizer_config.json", "generation_config.json", "special_tokens_map.json");
    static final String WEIGHTS_EITHER = CheckpointFiles.INDEX_FILE + " (and its shards) or " + CheckpointFiles.SINGLE_FILE;
    static final List<String> PICKLE_FILES = List.of("pytorch_model.bin", "pytorch_model.bin.index.json");

    /** Inspects {@code dir}; {@code knownMissing} says which absent files the hub is known not to have. */
    static ModelFolder inspect(Path dir, Predicate<String> knownMissing) throws IOException {
        List<String> required = absent(dir, REQUIRED);
        List<String> optional = new ArrayList<>();
        for (String file : absent(dir, OPTIONAL)) {
            if (!knownMissing.test(file)) {
                optional.add(file);
            }
        }
        List<String> weights = new ArrayList<>();
        boolean pickle = false;
        if (present(dir, CheckpointFiles.INDEX_FILE)) {
            weights.addAll(absent(dir, shardsOf(dir.resolve(CheckpointFiles.INDEX_FILE))));
        } else if (!present(dir, CheckpointFiles.SINGLE_FILE)) {
            weights.add(WEIGHTS_EITHER);
            pickle = PICKLE_FILES.stream().anyMatch(f -> present(dir, f));
        }
        return new ModelFolder(dir, List.copyOf(required), List.copyOf(optional), List.copyOf(weights), pickle);
    }

    /** Everything needed for inference is here (optional files may still be fetchable). */
    boolean usable() {
        return missingRequired.isEmpty() && missingWeights.isEmpty();
    }

    /** Nothing left to ask the hub about. */
    boolean complete() {
        return usable() && unknownOptional.isEmpty();
    }

    List<String> missing() {
        List<String> all = new ArrayList<>(missingRequired);
        all.addAll(missingWeights);
        return all;
    }

    /** Distinct shard file names an index's weight_map points at, in order of first mention. */
    static List<String> shardsOf(Path index) throws IOException {
        JsonNode weightMap;
        try {
            weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new IOException(index + ": not a readable safetensors index (" + e.getMessage() + ")", e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new IOException(index + ": no weight_map object");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (JsonNode shard : weightMap) {
            String name = shard.asText();
            if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IOException(index + ": bad shard name '" + name + "'");
            }
            shards.add(name);
        }
        return List.copyOf(shards);
    }

    private static List<String> absent(Path dir, List<String> files) {
        return files.stream().filter(f -> !present(dir, f)).toList();
    }

    private static boolean present(Path dir, String file) {
        return Files.isRegularFile(dir.resolve(file)); // follows symlinks: a dangling one counts as absent
    }
}
