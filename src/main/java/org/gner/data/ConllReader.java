package org.gner.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads GNER's CoNLL-style data layout: {@code <dataDir>/<dataset>/<split>.txt} plus
 * {@code <dataDir>/<dataset>/label.txt}.
 *
 * <p>Split files hold one token per line, {@code word<TAB>label}, and a blank (or whitespace-only)
 * line between sentences. As in GNER ({@code src/gner_dataset.py}, {@code _load_dataset}), the
 * word is the first tab-separated column and the label the <em>last</em> one, so extra middle
 * columns (e.g. POS tags) are ignored. Sentences get GNER's ids: their running index in the file
 * as a string ({@code "0"}, {@code "1"}, ...). A trailing {@code \r} and a leading UTF-8 BOM are
 * dropped.
 *
 * <p>{@code label.txt} holds one natural-language label per line, in the order GNER lists them
 * (before its per-sentence shuffle); trailing blank lines are ignored.
 *
 * <p>This reader is stricter than GNER, which silently treats a line without a tab as a sentence
 * break and never checks labels: every problem below is an {@link InputFormatException} naming the
 * file and 1-based line: a line without a tab, an empty word or label, a label that is not
 * {@code O}, {@code B-<type>} or {@code I-<type>}, a type missing from {@code label.txt}; an empty
 * {@code label.txt} or one with a blank line, {@code O} or a duplicate; a missing split file.
 *
 * <p><b>Raw tag sets.</b> Corpora such as CoNLL-2003 use short tags ({@code PER}, {@code ORG}, ...)
 * where GNER prompts with natural-language names. {@link #read(Path, String, String, Map)} maps
 * each tag type (in labels and in {@code label.txt}) through a type mapping; with
 * {@link #CONLL2003_TYPES}, {@code B-PER} becomes {@code B-person}. When {@code label.txt} is
 * missing and a mapping is given, the label list is the mapping's values in its iteration order.
 */
public final class ConllReader {
    private ConllReader() {}

    /**
     * CoNLL-2003's tags in GNER's natural-language names, in CoNLL-2003's usual order:
     * {@code PER -> person}, {@code ORG -> organization}, {@code LOC -> location},
     * {@code MISC -> else}.
     *
     * <p>GNER's processed CoNLL-2003 {@code label.txt} is not public; the names follow GNER's own
     * example record for WikiNeural (same PER/ORG/LOC/MISC tag set) in {@code src/gner_evaluator.py},
     * whose instruction reads "Use the specific entity tags: location, person, organization, else
     * and O." Pass another map (e.g. {@code MISC -> miscellaneous}) to choose other names.
     */
    public static final Map<String, String> CONLL2003_TYPES = orderedMap(
            "PER", "person", "ORG", "organization", "LOC", "location", "MISC", "else");

    /** Reads {@code <dataDir>/<dataset>/<split>.txt} with {@code label.txt}, labels as written. */
    public static LabeledDataset read(Path dataDir, String dataset, String split) {
        return read(dataDir, dataset, split, Map.of());
    }

    /**
     * Reads a split with the labels GNER prompts with: a dataset whose {@code label.txt} holds exactly
     * CoNLL-2003's raw tags (PER, ORG, LOC, MISC) is read through {@link #CONLL2003_TYPES}; any other
     * is read as written. Training and evaluation both read this way, so their prompts agree.
     */
    public static LabeledDataset readForPrompts(Path dataDir, String dataset, String split) {
        return read(dataDir, dataset, split, promptLabels(dataDir, dataset).typeMapping());
    }

    /** A dataset's label names as {@link #readForPrompts} reads them, and the tag mapping that gives them. */
    public record PromptLabels(List<String> labels, Map<String, String> typeMapping) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The labels and mapping {@link #readForPrompts} reads {@code dataset} with. */
    public static PromptLabels promptLabels(Path dataDir, String dataset) {
        Path labelFile = dataDir.resolve(dataset).resolve("label.txt");
        boolean rawConll = Files.isRegularFile(labelFile)
                && readLabels(labelFile).stream().sorted().toList()
                        .equals(CONLL2003_TYPES.keySet().stream().sorted().toList());
        Map<String, String> mapping = rawConll ? CONLL2003_TYPES : Map.of();
        return new PromptLabels(labels(labelFile, mapping), mapping);
    }

    /**
     * Reads {@code <dataDir>/<dataset>/<split>.txt}, mapping every entity type through
     * {@code typeMapping} (types without an entry are kept as written).
     */
    public static LabeledDataset read(Path dataDir, String dataset, String split, Map<String, String> typeMapping) {
        Objects.requireNonNull(typeMapping, "typeMapping");
        Path dir = dataDir.resolve(dataset);
        List<String> labels = labels(dir.resolve("label.txt"), typeMapping);
        List<NerSentence> sentences = readSentences(dir.resolve(split + ".txt"), labels, typeMapping);
        return new LabeledDataset(dataset, split, labels, sentences);
    }

    private static List<String> labels(Path labelFile, Map<String, String> typeMapping) {
        if (!Files.exists(labelFile) && !typeMapping.isEmpty()) {
            return List.copyOf(new LinkedHashMap<>(typeMapping).values());
        }
        return readLabels(labelFile, typeMapping);
    }

    /** Reads a {@code label.txt}: one label per line, in file order. */
    public static List<String> readLabels(Path labelFile) {
        return readLabels(labelFile, Map.of());
    }

    /** Reads a {@code label.txt}, mapping each entry through {@code typeMapping}. */
    public static List<String> readLabels(Path labelFile, Map<String, String> typeMapping) {
        String source = labelFile.toString();
        if (!Files.isRegularFile(labelFile)) {
            throw new InputFormatException(source, 0, "label file not found");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(labelFile, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new InputFormatException(source, Utf8Lines.firstInvalidLine(labelFile), "not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        if (!lines.isEmpty()) {
            lines.set(0, ConllLines.clean(lines.get(0), true));
        }
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        if (end == 0) {
            throw new InputFormatException(source, 0, "label file is empty");
        }
        List<String> labels = new ArrayList<>(end);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < end; i++) {
            String raw = ConllLines.clean(lines.get(i), false);
            if (raw.isBlank()) {
                throw new InputFormatException(source, i + 1, "blank label line");
            }
            String label = typeMapping.getOrDefault(raw, raw);
            if (label.equals("O")) {
                throw new InputFormatException(source, i + 1, "'O' must not be listed as an entity label");
            }
            if (!seen.add(label)) {
                throw new InputFormatException(source, i + 1, "duplicate label '" + label + "'");
            }
            labels.add(label);
        }
        return Collections.unmodifiableList(labels);
    }

    /**
     * Reads one CoNLL split file, checking each label against {@code labels} (the already mapped
     * label names). Sentence ids are running indices as strings.
     */
    public static List<NerSentence> readSentences(Path splitFile, List<String> labels, Map<String, String> typeMapping) {
        requireSplitFile(splitFile);
        String source = splitFile.toString();
        ConllLines rules = new ConllLines(labels, typeMapping);
        List<NerSentence> sentences = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        long lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(splitFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                line = ConllLines.clean(line, lineNo == 1);
                if (ConllLines.isBreak(line)) {
                    if (!words.isEmpty()) {
                        sentences.add(new NerSentence(Integer.toString(sentences.size()), words, tags));
                        words.clear();
                        tags.clear();
                    }
                    continue;
                }
                ConllLines.Token token = rules.token(line, source, lineNo);
                words.add(token.word());
                tags.add(token.label());
            }
        } catch (CharacterCodingException e) {
            throw new InputFormatException(source, Utf8Lines.firstInvalidLine(splitFile), "not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        if (!words.isEmpty()) {
            sentences.add(new NerSentence(Integer.toString(sentences.size()), words, tags));
        }
        return Collections.unmodifiableList(sentences);
    }

    /** Fails with ConllReader's error when {@code splitFile} is not a file. */
    public static void requireSplitFile(Path splitFile) {
        if (!Files.isRegularFile(splitFile)) {
            throw new InputFormatException(splitFile.toString(), 0, "split file not found");
        }
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
