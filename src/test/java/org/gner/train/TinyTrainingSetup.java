package org.gner.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.gner.data.DatasetConfig;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.testing.SharedData;

/** Tiny Flan-style T5 folders (real Flan-T5 tokenizer, HF-initialised weights) and a small mit-movie slice. */
final class TinyTrainingSetup {
    private TinyTrainingSetup() {}

    /** config.json + tokenizer files, and random weights unless {@code configOnly}. */
    static Path model(Path dir, TinyT5Checkpoints.Spec spec, boolean tied, boolean configOnly, long seed)
            throws IOException {
        return model(dir, spec, tied, configOnly, seed, TinyT5Checkpoints.config(spec).get("vocab_size").asInt());
    }

    /**
     * As above with {@code vocabSize} ids (the tokenizer files are still Flan-T5's): for tasks on raw ids,
     * where a 32k-row head and its AdamW state would be most of every step's work.
     */
    static Path model(Path dir, TinyT5Checkpoints.Spec spec, boolean tied, boolean configOnly, long seed,
            int vocabSize) throws IOException {
        Files.createDirectories(dir);
        ObjectNode config = TinyT5Checkpoints.config(spec);
        config.put("tie_word_embeddings", tied);
        config.put("vocab_size", vocabSize);
        Files.writeString(dir.resolve("config.json"), new ObjectMapper().writeValueAsString(config));
        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(SharedData.path("tokenizers/flan-t5/" + name), dir.resolve(name),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        if (!configOnly) {
            T5Initializer.writeRandomWeights(dir, T5Config.read(dir.resolve("config.json")), 1.0, seed);
        }
        return dir;
    }

    /** The first {@code n} sentences of mit-movie's training split. */
    static TrainingData mitMovie(int n) {
        return TrainingData.read(List.of(SharedData.zeroShotDataDir()),
                List.of(new DatasetConfig("mit-movie", DatasetConfig.RANDOM, n, false)), "train");
    }
}
