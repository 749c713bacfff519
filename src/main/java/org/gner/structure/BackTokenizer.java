package org.gner.structure;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    private final HuggingFaceTokenizer tokenizer;
    private final boolean cleanUpTokenizationSpaces;
    private final int cacheCapacity;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    private BackTokenizer(HuggingFaceTokenizer tokenizer, boolean cleanUpTokenizationSpaces, int cacheCapacity) {
        this.tokenizer = tokenizer;
        this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        this.cacheCapacity = cacheCapacity;
    }

    /** Loads {@code tokenizer.json} (the file, or the folder holding it) and its {@code tokenizer_config.json}. */
    public static BackTokenizer load(Path tokenizerJsonOrModelDir) throws IOException {
        return load(tokenizerJsonOrModelDir, DEFAULT_CACHE_CAPACITY);
    }

    public static BackTokenizer load(Path tokenizerJsonOrModelDir, int cacheCapacity) throws IOException {
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cacheCapacity must be positive: " + cacheCapacity);
        }
        Path tokenizerJson = Files.isDirectory(tokenizerJsonOrModelDir)
                ? tokenizerJsonOrModelDir.resolve("tokenizer.json")
                : tokenizerJsonOrModelDir;
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("tokenizer file not found: " + tokenizerJson);
        }
        boolean cleanUp = readCleanUpFlag(tokenizerJson.resolveSibling("tokenizer_config.json"));
        // DJL's telemetry would otherwise probe the EC2 metadata endpoint when not in offline mode.
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        // Python's tokenizer(words) neither truncates nor pads; DJL's defaults would truncate to 512.
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false");
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
        return new BackTokenizer(tokenizer, cleanUp, cacheCapacity);
    }

    private static boolean readCleanUpFlag(Path tokenizerConfig) throws IOException {
        if (!Files.isRegularFile(tokenizerConfig)) {
            return true;
        }
        JsonNode flag = new ObjectMapper().readTree(tokenizerConfig.toFile()).get("clean_up_tokenization_spaces");
        return flag == null || flag.isNull() || flag.asBoolean();
    }

    public boolean cleansUpTokenizationSpaces() {
        return cleanUpTokenizationSpaces;
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
        long[] ids = tokenizer.encode(word, true, false).getIds();
        String text = tokenizer.decode(ids, true);
        return cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
    }

    /** transformers' {@code PreTrainedTokenizerBase.clean_up_tokenization}, in its order. */
    static String cleanUpTokenization(String text) {
        if (text.indexOf(' ') < 0) {
            return text;
        }
        return text.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    @Override
    public void close() {
        cache.clear();
        tokenizer.close();
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
