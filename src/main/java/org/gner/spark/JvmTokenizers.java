package org.gner.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.gner.structure.BackTokenizer;

/**
 * One {@link BackTokenizer} per executor JVM and tokenizer: loading it per task would repeat native
 * set-up and throw away the word cache every partition.
 */
final class JvmTokenizers {
    private static final ConcurrentHashMap<Path, BackTokenizer> LOADED = new ConcurrentHashMap<>();

    private JvmTokenizers() {}

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
