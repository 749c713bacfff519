package org.gner.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * GNER dataset-config lists and GNER's sampling semantics.
 *
 * <p>A config file is a JSON array of objects
 * {@code {"dataset name": ..., "sampling strategy": "random"|"full", "max_num_instances": N, "over_sampling": bool}}.
 * Defaults as in GNER's {@code _generate_examples}: strategy {@code "random"}, no instance limit,
 * no over-sampling. Other keys are ignored.
 */
public final class DatasetConfigs {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DatasetConfigs() {}

    /** Reads one GNER dataset-config JSON list. Errors name the file and the entry (1-based). */
    public static List<DatasetConfig> read(Path json) {
        String source = json.toString();
        if (!Files.isRegularFile(json)) {
            throw new InputFormatException(source, 0, "dataset config file not found");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputFormatException(source, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        if (root == null || !root.isArray()) {
            throw new InputFormatException(source, 0, "expected a JSON array of dataset configs");
        }
        List<DatasetConfig> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            out.add(entry(root.get(i), source, i + 1));
        }
        return Collections.unmodifiableList(out);
    }

    private static DatasetConfig entry(JsonNode node, String source, int record) {
        if (!node.isObject()) {
            throw new InputFormatException(source, record, "dataset config entry is not a JSON object");
        }
        JsonNode name = node.get("dataset name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new InputFormatException(source, record, "missing string field 'dataset name'");
        }
        String strategy = DatasetConfig.RANDOM;
        JsonNode s = node.get("sampling strategy");
        if (s != null && !s.isNull()) {
            if (!s.isTextual() || !(s.asText().equals(DatasetConfig.RANDOM) || s.asText().equals(DatasetConfig.FULL))) {
                throw new InputFormatException(source, record,
                        "'sampling strategy' must be \"random\" or \"full\", found " + s);
            }
            strategy = s.asText();
        }
        int max = DatasetConfig.UNLIMITED;
        JsonNode m = node.get("max_num_instances");
        if (m != null && !m.isNull() && !(m.isTextual() && m.asText().equals("full"))) {
            if (!m.isIntegralNumber() || !m.canConvertToInt()) {
                throw new InputFormatException(source, record, "'max_num_instances' must be an integer, found " + m);
            }
            max = m.intValue();
        }
        boolean over = false;
        JsonNode o = node.get("over_sampling");
        if (o != null && !o.isNull()) {
            if (!o.isBoolean()) {
                throw new InputFormatException(source, record, "'over_sampling' must be true or false, found " + o);
            }
            over = o.booleanValue();
        }
        return new DatasetConfig(name.asText(), strategy, max, over);
    }

    /**
     * A config file path, or a comma-separated list of dataset names meaning full sampling of
     * each. The argument is read as a file when it names an existing file or ends in
     * {@code .json}.
     */
    public static List<DatasetConfig> parse(String configPathOrNames) {
        if (configPathOrNames == null || configPathOrNames.isBlank()) {
            throw new IllegalArgumentException("no dataset config file or dataset names given");
        }
        String spec = configPathOrNames.strip();
        if (spec.endsWith(".json") || isFile(spec)) {
            return read(Path.of(spec));
        }
        List<DatasetConfig> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                out.add(DatasetConfig.full(name));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no dataset names in '" + configPathOrNames + "'");
        }
        return Collections.unmodifiableList(out);
    }

    private static boolean isFile(String spec) {
        try {
            return Files.isRegularFile(Path.of(spec));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * GNER's {@code _sampling_dataset}, then its id assignment:
     * <ol>
     *   <li>{@code "random"} with {@code maxNumInstances >= 0} keeps the <em>first</em>
     *       {@code maxNumInstances} sentences (no shuffling; 0 keeps none); a negative limit
     *       keeps all. {@code "full"} keeps all whatever the limit.</li>
     *   <li>With {@code overSampling} and fewer sentences than a (positive) limit, whole copies of
     *       the kept list are appended until there are at least {@code maxNumInstances}: the
     *       result is a multiple of the kept size and may exceed the limit (GNER does not cut it
     *       back). An empty list stays empty (GNER would loop forever).</li>
     *   <li>Ids become the position in the sampled list as a string, as GNER's
     *       {@code enumerate(instances)} does, so repeated copies get fresh ids.</li>
     * </ol>
     */
    public static List<NerSentence> sample(DatasetConfig config, List<NerSentence> sentences) {
        int kept = (int) kept(config, sentences.size());
        int copies = (int) copies(config, kept);
        List<NerSentence> out = new ArrayList<>(kept * copies);
        for (int copy = 0; copy < copies; copy++) {
            for (int i = 0; i < kept; i++) {
                out.add(sentences.get(i).withId(Integer.toString(out.size())));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** How many of a dataset's first {@code sentences} {@link #sample} keeps. */
    public static long kept(DatasetConfig config, long sentences) {
        int max = config.maxNumInstances();
        return config.samplingStrategy().equals(DatasetConfig.RANDOM) && max >= 0 && max < sentences ? max : sentences;
    }

    /**
     * How many times {@link #sample} repeats the {@code kept} sentences: with over-sampling, the fewest
     * whole copies that reach the limit; otherwise once. Copy {@code c} of kept sentence {@code i} is
     * sampled sentence {@code c * kept + i}.
     */
    public static long copies(DatasetConfig config, long kept) {
        long max = config.maxNumInstances();
        return config.overSampling() && kept > 0 && kept < max ? (max + kept - 1) / kept : 1;
    }

    /** {@link #sample(DatasetConfig, List)} applied to a dataset's sentences. */
    public static LabeledDataset sample(DatasetConfig config, LabeledDataset dataset) {
        return dataset.withSentences(sample(config, dataset.sentences()));
    }
}
