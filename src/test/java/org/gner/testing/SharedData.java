package org.gner.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only shared data folder (real GNER corpora, tokenizers, predictions).
 *
 * <p>The location comes from the system property {@code gner.shared} or the environment variable
 * {@code GNER_SHARED}; the build sets both to {@code ../shared}. Main code never knows this folder.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder; fails the test when it is not configured or missing. */
    public static Path root() {
        String configured = System.getProperty("gner.shared");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("GNER_SHARED");
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException(
                    "shared data folder not configured: set -Dgner.shared or GNER_SHARED");
        }
        Path root = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared data folder does not exist: " + root);
        }
        return root;
    }

    /** A path below the shared folder, which must exist. */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared file missing: " + p);
        }
        return p;
    }

    public static Path flanT5Tokenizer() {
        return path("tokenizers/flan-t5/tokenizer.json");
    }

    public static Path llamaTokenizer() {
        return path("tokenizers/llama/tokenizer.json");
    }

    public static Path zeroShotDataDir() {
        return path("datasets/gner-zero-shot");
    }
}
