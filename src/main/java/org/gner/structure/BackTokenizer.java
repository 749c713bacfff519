package org.gner.structure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gner.model.ModelTokenizer;

/**
 * GNER's back-tokenization of input words: {@code tokenizer.batch_decode(tokenizer(words)["input_ids"],
 * skip_special_tokens=True)}. Each word is encoded alone with special tokens and decoded without them,
 * so characters the vocabulary lacks (decoded as {@code <unk>}, a special token) vanish: gold
 * {@code brontë} becomes {@code bront}, which is what the model can generate. transformers then applies
 * {@code clean_up_tokenization_spaces} when the tokenizer config enables it (absent key: enabled).
 *
 * <p>Results are cached in a bounded concurrent map; instances are thread-safe.
 */
public final class BackTokenizer implements WordNormalizer, AutoCloseable {
    public static final int DEFAULT_CACHE_CAPACITY = 1 << 18;

    private final ModelTokenizer tokenizer;
    /** Whether {@link #close} closes the tokenizer: false for one borrowed from a loaded model. */
    private final boolean ownsTokenizer;
    private final int cacheCapacity;
    private final Map<String, String> cache = new ConcurrentHashMap<>();
    /** By the model's tokenizer (identity): loaded models stay for the JVM's life. */
    private static final Map<ModelTokenizer, BackTokenizer> SHARED = new ConcurrentHashMap<>();

    private BackTokenizer(ModelTokenizer tokenizer, boolean ownsTokenizer, int cacheCapacity) {
        this.tokenizer = tokenizer;
        this.ownsTokenizer = ownsTokenizer;
        this.cacheCapacity = cacheCapacity;
    }

    /**
     * Back-tokenizes with a tokenizer already loaded (a model's), instead of reading
     * {@code tokenizer.json} again; closing this leaves the tokenizer open.
     */
    public static BackTokenizer over(ModelTokenizer tokenizer) {
        return new BackTokenizer(tokenizer, false, DEFAULT_CACHE_CAPACITY);
    }

    /**
     * One back-tokenizer per loaded tokenizer for the whole JVM, so its word cache outlives each
     * task or window that uses it.
     */
    public static BackTokenizer shared(ModelTokenizer tokenizer) {
        return SHARED.computeIfAbsent(tokenizer, BackTokenizer::over);
    }

    /** Loads {@code tokenizer.json} (the file, or the folder holding it) and its {@code tokenizer_config.json}. */
    public static BackTokenizer load(Path tokenizerJsonOrModelDir) throws IOException {
        return load(tokenizerJsonOrModelDir, DEFAULT_CACHE_CAPACITY);
    }

    public static BackTokenizer load(Path tokenizerJsonOrModelDir, int cacheCapacity) throws IOException {
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cacheCapacity must be positive: " + cacheCapacity);
        }
        return new BackTokenizer(ModelTokenizer.load(tokenizerJsonOrModelDir), true, cacheCapacity);
    }

    /** The tokenizer it encodes and decodes with. */
    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    public boolean cleansUpTokenizationSpaces() {
        return tokenizer.cleansUpTokenizationSpaces();
    }

    @Override
    public String normalize(String lowerCasedWord) {
        String cached = cache.get(lowerCasedWord);
        if (cached != null) {
            return cached;
        }
        String decoded = backTokenize(lowerCasedWord);
        if (cache.size() >= cacheCapacity) {
            cache.clear();
        }
        cache.put(lowerCasedWord, decoded);
        return decoded;
    }

    private String backTokenize(String word) {
        return tokenizer.decode(tokenizer.encode(word));
    }

    @Override
    public void close() {
        cache.clear();
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }

    /** For callers that cannot handle the checked exception (e.g. lambdas). */
    public static BackTokenizer loadUnchecked(Path tokenizerJsonOrModelDir) {
        try {
            return load(tokenizerJsonOrModelDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
