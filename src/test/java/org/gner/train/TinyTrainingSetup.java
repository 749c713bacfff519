package org.gner.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.gner.data.DatasetConfig;
import org.gner.generate.OutputAutomaton;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.GnerExample;
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
        copyTokenizer(dir);
        return withWeights(dir, spec, tied, configOnly, seed, vocabSize);
    }

    /**
     * As above, with the tokenizer cut down to the pieces {@code examples} use ({@link #shrinkVocabulary}):
     * the same token sequences as Flan-T5's, without a 32k-row embedding and head (and their AdamW state)
     * that would be most of every training step's work.
     */
    static Path modelFor(Collection<GnerExample> examples, Path dir, TinyT5Checkpoints.Spec spec, boolean tied,
            long seed) throws IOException {
        copyTokenizer(dir);
        int vocabSize = shrinkVocabulary(dir, textsOf(examples));
        return withWeights(dir, spec, tied, false, seed, vocabSize);
    }

    private static void copyTokenizer(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(SharedData.path("tokenizers/flan-t5/" + name), dir.resolve(name),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path withWeights(Path dir, TinyT5Checkpoints.Spec spec, boolean tied, boolean configOnly,
            long seed, int vocabSize) throws IOException {
        ObjectNode config = TinyT5Checkpoints.config(spec);
        config.put("tie_word_embeddings", tied);
        config.put("vocab_size", vocabSize);
        Files.writeString(dir.resolve("config.json"), new ObjectMapper().writeValueAsString(config));
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

    /**
     * Every text training and decoding {@code examples} tokenizes: prompts and targets, and the
     * {@code word(label)} spellings the output automaton asks for.
     */
    private static Set<String> textsOf(Collection<GnerExample> examples) {
        Set<String> texts = new LinkedHashSet<>();
        for (GnerExample e : examples) {
            texts.add(e.prompt());
            texts.add(e.target());
            for (String word : e.words()) {
                for (String label : OutputAutomaton.candidateLabels(e.labelList())) {
                    texts.add(word + "(" + label + ")");
                }
            }
        }
        return texts;
    }

    /**
     * Cuts {@code dir}'s Flan-T5 {@code tokenizer.json} down to the special tokens and the pieces
     * {@code texts} are tokenized into, with their Unigram scores, in their original order: a lattice
     * over fewer pieces that still holds the best path keeps it, so each text gets the same pieces under
     * new ids (checked here, text by text). Returns the vocabulary size, for the model's config.
     */
    private static int shrinkVocabulary(Path dir, Collection<String> texts) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        List<String> textList = List.copyOf(texts);
        List<long[]> before;
        try (ModelTokenizer full = ModelTokenizer.load(json)) {
            before = full.encodeBatch(textList);
        }
        TreeSet<Long> used = new TreeSet<>(List.of(0L, 1L, 2L)); // <pad>, </s>, <unk>
        before.forEach(ids -> Arrays.stream(ids).forEach(used::add));
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) mapper.readTree(json.toFile());
        JsonNode vocab = tokenizer.get("model").get("vocab"); // [[piece, score], ...] by id
        long[] newId = new long[vocab.size()];
        Arrays.fill(newId, -1);
        ArrayNode kept = mapper.createArrayNode();
        for (long id : used) {
            newId[(int) id] = kept.size();
            kept.add(vocab.get((int) id));
        }
        ((ObjectNode) tokenizer.get("model")).set("vocab", kept);
        ArrayNode specials = mapper.createArrayNode(); // the <extra_id_N> tokens go: none is used
        tokenizer.get("added_tokens").forEach(t -> {
            if (t.get("id").asInt() < 3) {
                specials.add(t);
            }
        });
        tokenizer.set("added_tokens", specials);
        Files.writeString(json, mapper.writeValueAsString(tokenizer));
        try (ModelTokenizer cut = ModelTokenizer.load(json)) {
            List<long[]> after = cut.encodeBatch(textList);
            for (int i = 0; i < textList.size(); i++) {
                long[] expected = Arrays.stream(before.get(i)).map(id -> newId[(int) id]).toArray();
                if (!Arrays.equals(expected, after.get(i))) {
                    throw new IllegalStateException("the cut vocabulary tokenizes '" + textList.get(i)
                            + "' differently");
                }
            }
        }
        return kept.size();
    }
}
