package org.gner.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gner.data.ConllReader;
import org.gner.data.DatasetConfig;
import org.gner.data.DatasetConfigs;
import org.gner.data.LabeledDataset;
import org.gner.model.ModelTokenizer;
import org.gner.prompt.GnerExample;
import org.gner.prompt.GnerExamples;
import org.gner.prompt.LabelOrder;

/**
 * The sentences of one split of several GNER-layout datasets, sampled as GNER samples them, and
 * their (prompt, target) pairs, read as evaluation reads them ({@link ConllReader#readForPrompts}).
 */
public record TrainingData(List<LabeledDataset> datasets) {

    public TrainingData {
        datasets = List.copyOf(datasets);
    }

    /** Reads {@code split} of each configured dataset from the first data folder that has it. */
    public static TrainingData read(List<Path> dataDirs, List<DatasetConfig> configs, String split) {
        List<LabeledDataset> out = new ArrayList<>();
        for (DatasetConfig config : configs) {
            Path dir = dataDirs.stream().filter(d -> Files.isDirectory(d.resolve(config.name())))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("dataset " + config.name()
                            + " is in none of " + dataDirs));
            out.add(DatasetConfigs.sample(config, ConllReader.readForPrompts(dir, config.name(), split)));
        }
        return new TrainingData(out);
    }

    /** The datasets that have {@code split}, read whole (for dev evaluation); the others are skipped. */
    public static TrainingData readAvailable(List<Path> dataDirs, List<DatasetConfig> configs, String split) {
        List<LabeledDataset> out = new ArrayList<>();
        for (DatasetConfig config : configs) {
            for (Path dir : dataDirs) {
                Path datasetDir = dir.resolve(config.name());
                if (Files.isRegularFile(datasetDir.resolve(split + ".txt"))) {
                    out.add(ConllReader.readForPrompts(dir, config.name(), split));
                    break;
                }
            }
        }
        return new TrainingData(out);
    }

    /** Every sentence as an example, labels shuffled with {@code labelSeed}. */
    public List<GnerExample> examples(long labelSeed) {
        List<GnerExample> out = new ArrayList<>();
        for (LabeledDataset dataset : datasets) {
            out.addAll(GnerExamples.from(dataset, LabelOrder.seeded(labelSeed), false));
        }
        return Collections.unmodifiableList(out);
    }

    /** Tokenizes prompts and targets, each cut to its limit with EOS kept last (as HF truncation does). */
    public static List<TokenizedExample> tokenize(List<GnerExample> examples, ModelTokenizer tokenizer,
            int maxSourceLength, int maxTargetLength) {
        List<long[]> prompts = tokenizer.encodeBatch(examples.stream().map(GnerExample::prompt).toList());
        List<long[]> targets = tokenizer.encodeBatch(examples.stream().map(GnerExample::target).toList());
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            out.add(new TokenizedExample(examples.get(i), cut(prompts.get(i), maxSourceLength),
                    cut(targets.get(i), maxTargetLength)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The same examples (prompt ids kept) with their targets spelled in {@code style}, cut as above. */
    public static List<TokenizedExample> withTargets(List<TokenizedExample> tokenized, TargetStyle style,
            ModelTokenizer tokenizer, int maxTargetLength) {
        if (style == TargetStyle.FULL) {
            return tokenized;
        }
        List<long[]> targets = tokenizer.encodeBatch(tokenized.stream().map(e -> style.target(e.example())).toList());
        List<TokenizedExample> out = new ArrayList<>(tokenized.size());
        for (int i = 0; i < tokenized.size(); i++) {
            out.add(new TokenizedExample(tokenized.get(i).example(), tokenized.get(i).prompt(),
                    cut(targets.get(i), maxTargetLength)));
        }
        return Collections.unmodifiableList(out);
    }

    private static long[] cut(long[] ids, int max) {
        if (ids.length <= max) {
            return ids;
        }
        long[] out = java.util.Arrays.copyOf(ids, max);
        out[max - 1] = ids[ids.length - 1];
        return out;
    }

    public int size() {
        return datasets.stream().mapToInt(LabeledDataset::size).sum();
    }
}
