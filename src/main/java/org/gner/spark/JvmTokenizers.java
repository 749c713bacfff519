package org.gner.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.gner.model.LoadedModel;
import org.gner.model.ModelTokenizer;
import org.gner.structure.BackTokenizer;

/**
 * One {@link BackTokenizer} per executor JVM and tokenizer: loading it per task would repeat native
 * set-up and throw away the word cache every partition.
 */
final class JvmTokenizers {
    private static final ConcurrentHashMap<Path, BackTokenizer> LOADED = new ConcurrentHashMap<>();
    /** By the model's tokenizer (identity): models stay loaded for the JVM's life (ModelCache). */
    private static final ConcurrentHashMap<ModelTokenizer, BackTokenizer> OF_MODELS = new ConcurrentHashMap<>();

    private JvmTokenizers() {}

    /** GNER's back-tokenizer of a loaded model, over the model's own tokenizer (tokenizer.json read once). */
    static BackTokenizer backTokenizer(LoadedModel model) {
        return OF_MODELS.computeIfAbsent(model.tokenizer(), BackTokenizer::over);
    }

    /** For score: a tokenizer file with no model. */
    static BackTokenizer backTokenizer(Path tokenizerJson) {
        return LOADED.computeIfAbsent(tokenizerJson.toAbsolutePath().normalize(), path -> {
            try {
                return BackTokenizer.load(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load tokenizer " + path + ": " + e.getMessage(), e);
            }
        });
    }
}
