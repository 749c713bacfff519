package org.gner.model.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gner.model.CheckpointInfo;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;

/**
 * One loaded model per JVM, model folder, device and dtype. Spark runs many tasks in one executor JVM;
 * loading the weights per task or per partition would multiply load time and native memory (a known
 * way to crash DJL on Spark), so every task of an executor shares this instance. Models stay loaded
 * for the life of the JVM.
 */
public final class ModelCache {
    private record Key(Path dir, RuntimeOptions options) {}

    private static final ConcurrentHashMap<String, CheckpointInfo> INSPECTED = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Key, LoadedModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final ConcurrentHashMap<Path, AtomicInteger> LOADS_BY_DIR = new ConcurrentHashMap<>();

    private ModelCache() {}

    /**
     * The model for {@code modelIdOrPath} on {@code options}' device and dtype, loaded on first use.
     * Concurrent callers for the same key wait for the one load instead of starting their own.
     */
    public static LoadedModel get(String modelIdOrPath, RuntimeOptions options) {
        CheckpointInfo checkpoint = INSPECTED.computeIfAbsent(modelIdOrPath, ModelCache::inspect);
        return MODELS.computeIfAbsent(new Key(checkpoint.dir(), options), key -> load(checkpoint, options));
    }

    /** How many models this JVM has loaded so far (all keys). */
    public static int loads() {
        return LOADS.get();
    }

    /** How many times this JVM has loaded the model in {@code dir} (on any device). */
    public static int loads(Path dir) {
        AtomicInteger n = LOADS_BY_DIR.get(dir.toAbsolutePath().normalize());
        return n == null ? 0 : n.get();
    }

    private static CheckpointInfo inspect(String modelIdOrPath) {
        try {
            return ModelLoader.inspect(modelIdOrPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use model " + modelIdOrPath + ": " + e.getMessage(), e);
        }
    }

    private static LoadedModel load(CheckpointInfo checkpoint, RuntimeOptions options) {
        long start = System.nanoTime();
        try {
            LoadedModel model = ModelLoader.load(checkpoint, options);
            int count = LOADS.incrementAndGet();
            LOADS_BY_DIR.computeIfAbsent(checkpoint.dir().toAbsolutePath().normalize(), d -> new AtomicInteger())
                    .incrementAndGet();
            System.err.printf(Locale.ROOT, "gner: loaded %s model %s on %s as %s in %.1f s (load #%d in this JVM)%n",
                    checkpoint.modelType(), checkpoint.dir(), options.device(), options.dtype(),
                    (System.nanoTime() - start) / 1e9, count);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + checkpoint.dir() + ": " + e.getMessage(), e);
        }
    }
}
