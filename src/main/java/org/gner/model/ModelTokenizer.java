package org.gner.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A model's tokenizer, from its {@code tokenizer.json} (HF fast tokenizer, run by DJL's Rust binding).
 *
 * <p>Configured to behave like transformers' fast tokenizer: the tokenizer's own post-processor adds
 * special tokens (T5 appends {@code </s>}, LLaMA prepends {@code <s>}); no truncation and no padding
 * (DJL's defaults would truncate to 512); nothing is ever downloaded. Decoding mirrors
 * {@code PreTrainedTokenizerFast.decode}: special tokens skipped, then {@code clean_up_tokenization}
 * when tokenizer_config.json sets {@code clean_up_tokenization_spaces} (Flan-T5 does).
 *
 * <p>Safe for concurrent use: the Rust tokenizer is immutable after construction; a read/write lock
 * only keeps {@link #close()} from freeing it under a running call.
 */
public final class ModelTokenizer implements AutoCloseable {
    static {
        // DJL would fetch a CUDA build of its tokenizer library on GPU hosts; the bundled CPU one is enough.
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        // DJL's telemetry would otherwise probe the EC2 metadata endpoint when not in offline mode.
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Long> vocabulary;
    private final boolean cleanUpSpaces;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Long> vocabulary, boolean cleanUpSpaces) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.cleanUpSpaces = cleanUpSpaces;
    }

    /** Loads {@code tokenizer.json} (and the sibling tokenizer_config.json, if any). */
    public static ModelTokenizer load(Path modelDirOrTokenizerJson) throws IOException {
        Path json = Files.isDirectory(modelDirOrTokenizerJson)
                ? modelDirOrTokenizerJson.resolve("tokenizer.json")
                : modelDirOrTokenizerJson;
        if (!Files.isRegularFile(json)) {
            throw new IOException(json + " does not exist: gner-spark needs the fast-tokenizer file tokenizer.json"
                    + " (a sentencepiece .model alone is not enough)");
        }
        JsonNode root = ModelConfigs.readJson(json);
        Map<String, Long> vocabulary = vocabulary(root, json);
        boolean cleanUp = cleanUpSpaces(json.resolveSibling("tokenizer_config.json"));
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false");
        // Only tokenizer.json is handed to DJL: its own tokenizer_config handling (whose cleanup differs
        // from transformers') stays off, and cleanup is done here.
        HuggingFaceTokenizer tokenizer;
        if (LegacyMerges.needRepair(root)) {
            byte[] repaired = LegacyMerges.repair(root, json);
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(repaired), options);
        } else {
            tokenizer = HuggingFaceTokenizer.newInstance(json, options);
        }
        return new ModelTokenizer(tokenizer, vocabulary, cleanUp);
    }

    /** Token ids with the tokenizer's special tokens added. */
    public long[] encode(String text) {
        return locked(() -> tokenizer.encode(text, true, false).getIds());
    }

    public long[] encodeWithoutSpecial(String text) {
        return locked(() -> tokenizer.encode(text, false, false).getIds());
    }

    /** {@link #encode} for many texts at once (no padding: each keeps its own length). */
    public List<long[]> encodeBatch(List<String> texts) {
        return batchIds(texts, true);
    }

    /** {@link #encodeWithoutSpecial} for many texts at once. */
    public List<long[]> encodeBatchWithoutSpecial(List<String> texts) {
        return batchIds(texts, false);
    }

    private List<long[]> batchIds(List<String> texts, boolean addSpecialTokens) {
        if (texts.isEmpty()) {
            return List.of();
        }
        return locked(() -> {
            Encoding[] encodings = tokenizer.batchEncode(texts, addSpecialTokens, false);
            List<long[]> ids = new ArrayList<>(encodings.length);
            for (Encoding e : encodings) {
                ids.add(e.getIds());
            }
            return Collections.unmodifiableList(ids);
        });
    }

    /** Spellings kept by {@link #spell}: the output automaton asks for the same word(label) texts again and again. */
    private static final int SPELLING_CACHE = 1 << 18;
    private final Map<String, long[]> spellings = Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                    return size() > SPELLING_CACHE;
                }
            });

    /**
     * {@link #encodeBatchWithoutSpecial} through a bounded LRU cache (the arrays returned are shared:
     * do not modify them).
     */
    public List<long[]> spell(List<String> texts) {
        long[][] out = new long[texts.size()][];
        List<String> missing = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = spellings.get(texts.get(i));
            if (out[i] == null) {
                missing.add(texts.get(i));
                at.add(i);
            }
        }
        List<long[]> encoded = encodeBatchWithoutSpecial(missing);
        for (int j = 0; j < encoded.size(); j++) {
            out[at.get(j)] = encoded.get(j);
            spellings.put(missing.get(j), encoded.get(j));
        }
        return java.util.Arrays.asList(out);
    }

    /** Text of {@code ids} with special tokens skipped, as transformers' decode(skip_special_tokens=True). */
    public String decode(long[] ids) {
        return cleanUp(locked(() -> tokenizer.decode(ids, true)));
    }

    public String decodeWithSpecial(long[] ids) {
        return cleanUp(locked(() -> tokenizer.decode(ids, false)));
    }

    /** The id of a vocabulary entry or added token, spelled as in tokenizer.json (e.g. "</s>", "▁the"). */
    public long tokenId(String token) {
        Long id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the tokenizer's vocabulary");
        }
        return id;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T locked(Supplier<T> call) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer is closed");
            }
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether decoding applies {@link #cleanUpTokenization}. */
    public boolean cleansUpTokenizationSpaces() {
        return cleanUpSpaces;
    }

    private String cleanUp(String text) {
        return cleanUpSpaces ? cleanUpTokenization(text) : text;
    }

    /** transformers' PreTrainedTokenizerBase.clean_up_tokenization, replacement for replacement. */
    public static String cleanUpTokenization(String text) {
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

    private static boolean cleanUpSpaces(Path tokenizerConfig) throws IOException {
        // Absent means true: the default of the transformers versions GNER ran on (before 4.45).
        if (!Files.isRegularFile(tokenizerConfig)) {
            return true;
        }
        JsonNode flag = ModelConfigs.readJson(tokenizerConfig).get("clean_up_tokenization_spaces");
        return flag == null || flag.isNull() || flag.asBoolean();
    }

    /** token -> id from the model vocabulary (Unigram list or BPE/WordPiece map) and the added tokens. */
    private static Map<String, Long> vocabulary(JsonNode root, Path json) throws IOException {
        JsonNode vocab = root.path("model").path("vocab");
        Map<String, Long> ids = new HashMap<>();
        if (vocab.isArray()) {
            long id = 0;
            for (JsonNode entry : vocab) {
                ids.putIfAbsent(entry.path(0).asText(), id++);
            }
        } else if (vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asLong()));
        } else {
            throw new IOException(json + ": no model.vocab");
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asLong());
        }
        return Collections.unmodifiableMap(ids);
    }
}
