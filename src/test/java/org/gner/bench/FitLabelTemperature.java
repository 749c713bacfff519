package org.gner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.gner.data.ConllReader;
import org.gner.data.LabeledDataset;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
import org.gner.generate.GuidedPrompt;
import org.gner.generate.OutputAutomaton;
import org.gner.generate.PromptResult;
import org.gner.generate.PromptRunner;
import org.gner.generate.WordLabelProbabilities;
import org.gner.metrics.ConfidenceThresholds;
import org.gner.metrics.Entity;
import org.gner.metrics.EntityConfidence;
import org.gner.metrics.EntityParser;
import org.gner.model.LoadedModel;
import org.gner.model.ModelConfigs;
import org.gner.model.RuntimeOptions;
import org.gner.model.load.ModelLoader;
import org.gner.prompt.GnerExample;
import org.gner.prompt.GnerExamples;
import org.gner.prompt.LabelOrder;

/**
 * Fits a model's label temperature for calibrated entity confidences and measures it (issue 26).
 * {@code bench/run FitLabelTemperature <model dir> <data dir with conll2003/, mit-movie/, mit-restaurant/>
 * [--write] [max sentences per set]}: decodes CoNLL-2003 dev (held out: the shipped model trained on
 * the full train splits, so no part of the MIT train splits is held out for it) and the three test
 * splits with the model's default decoding (constrained greedy, drafts, seeded label order as evaluate),
 * keeps every label decision, then for each aggregation (product, geometric mean, minimum) picks the
 * temperature minimizing the dev entities' log loss (confidence vs "is a gold entity") on a grid, and
 * prints per test set: ECE at T = 1 and at the fitted T, AUROC of confidence for gold vs not, the
 * F1-best threshold and its F1 against threshold 0. {@code --write} stores the default aggregation's
 * temperature as {@code gner_label_temperature} in the model's generation_config.json.
 */
public final class FitLabelTemperature {
    private FitLabelTemperature() {}

    /** One decoded sentence: its words, gold entities, automaton and decisions. */
    private record Decoded(List<String> words, Set<Entity> gold, int goldCount, OutputAutomaton automaton,
            PromptResult result) {}

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        Path dataDir = Path.of(args[1]);
        boolean write = Arrays.asList(args).contains("--write");
        int max = args.length > 2 && !args[args.length - 1].startsWith("--") ? Integer.parseInt(args[args.length - 1])
                : Integer.MAX_VALUE;
        try (LoadedModel model = ModelLoader.load(modelDir.toString(), RuntimeOptions.CPU_FP32)) {
            DecodingOptions options = new DecodingOptions(DecodingOptions.DEFAULT_MAX_NEW_TOKENS, 1,
                    DecodingOptions.DEFAULT_BATCH_TOKENS, 1024, 0).withGuidance(new Guidance(null, Guidance.Draft.INPUT,
                    0, true, Double.NaN));
            PromptRunner runner = new PromptRunner(model, options);
            List<Decoded> dev = decode(runner, model, dataDir, "conll2003", "dev", max);
            List<String> tests = List.of("mit-movie", "mit-restaurant", "conll2003");
            List<List<Decoded>> test = new ArrayList<>();
            for (String name : tests) {
                test.add(decode(runner, model, dataDir, name, "test", max));
            }
            double[] grid = new double[91];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = 0.5 + 0.05 * i; // 0.5 .. 5.0
            }
            double chosenTemperature = 1;
            for (EntityConfidence aggregation : EntityConfidence.values()) {
                double best = 1;
                double bestLoss = Double.MAX_VALUE;
                for (double t : grid) {
                    double loss = logLoss(dev, aggregation, t);
                    if (loss < bestLoss) {
                        bestLoss = loss;
                        best = t;
                    }
                }
                if (aggregation == EntityConfidence.DEFAULT) {
                    chosenTemperature = best;
                }
                System.out.printf(Locale.ROOT, "%n%s: fitted T = %.2f (dev log loss %.4f at T, %.4f at 1; dev ECE %.4f -> %.4f)%n",
                        aggregation, best, bestLoss, logLoss(dev, aggregation, 1), ece(dev, aggregation, 1),
                        ece(dev, aggregation, best));
                System.out.printf(Locale.ROOT, "  %-15s %8s %8s %8s %8s %10s %8s %8s%n", "test set", "entities",
                        "ECE T=1", "ECE fit", "AUROC", "best t", "F1 t", "F1 t=0");
                for (int d = 0; d < tests.size(); d++) {
                    List<Decoded> set = test.get(d);
                    ConfidenceThresholds th = thresholds(set, tests.get(d), aggregation, best);
                    List<ConfidenceThresholds.Row> rows = th.rows(List.of(tests.get(d)));
                    ConfidenceThresholds.Row top = rows.stream().max((a, b) -> Double.compare(a.f1(), b.f1())).get();
                    System.out.printf(Locale.ROOT, "  %-15s %8d %8.4f %8.4f %8.4f %10.2f %8.2f %8.2f%n", tests.get(d),
                            th.calibration(List.of(tests.get(d))).get(0).entities(), ece(set, aggregation, 1),
                            ece(set, aggregation, best), auroc(set, aggregation, best), top.threshold(),
                            100 * top.f1(), 100 * rows.get(0).f1());
                }
            }
            if (write) {
                Path file = modelDir.resolve("generation_config.json");
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode config = (ObjectNode) json.readTree(file.toFile());
                config.put(ModelConfigs.GenerationDefaults.LABEL_TEMPERATURE_KEY,
                        Math.round(chosenTemperature * 100) / 100.0);
                Files.writeString(file, json.writeValueAsString(config) + "\n");
                System.out.printf(Locale.ROOT, "%nwrote %s = %.2f to %s%n",
                        ModelConfigs.GenerationDefaults.LABEL_TEMPERATURE_KEY, chosenTemperature, file);
            }
        }
    }

    private static List<Decoded> decode(PromptRunner runner, LoadedModel model, Path dataDir, String name, String split,
            int max) {
        LabeledDataset dataset = ConllReader.readForPrompts(dataDir, name, split);
        List<GnerExample> examples = GnerExamples.from(dataset, LabelOrder.DEFAULT, false);
        examples = examples.subList(0, Math.min(max, examples.size()));
        List<GuidedPrompt> prompts = examples.stream()
                .map(e -> new GuidedPrompt(e.prompt(), e.words(), e.labelList())).toList();
        long started = System.nanoTime();
        List<PromptResult> results = runner.runGuided(prompts, n -> { });
        System.out.printf(Locale.ROOT, "%s %s: %d sentences decoded in %.0f s%n", name, split, examples.size(),
                (System.nanoTime() - started) / 1e9);
        List<Decoded> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            GnerExample e = examples.get(i);
            if (results.get(i).failed()) {
                throw new IllegalStateException(name + " " + e.id() + ": " + results.get(i).error());
            }
            OutputAutomaton automaton = OutputAutomaton.build(e.words(), e.labelList(), model.tokenizer()::spell,
                    model.spec().eosTokenId());
            List<Entity> gold = EntityParser.parse(e.words(), e.labels());
            out.add(new Decoded(e.words(), new HashSet<>(gold), gold.size(), automaton, results.get(i)));
        }
        return out;
    }

    /** Every predicted span with its confidence at temperature t and whether it is gold. */
    private static List<ConfidenceThresholds.Scored> scored(Decoded d, EntityConfidence aggregation, double t) {
        double[] words = WordLabelProbabilities.constrained(d.automaton(), d.result().tokenIds(),
                d.result().labelDecisions(), t);
        List<String> labels = d.automaton().labelsOf(d.result().tokenIds());
        List<ConfidenceThresholds.Scored> out = new ArrayList<>();
        for (EntityParser.Span span : EntityParser.spans(d.words(), labels)) {
            Entity entity = span.entity(d.words());
            out.add(new ConfidenceThresholds.Scored(entity, aggregation.of(words, span.wordStart(), span.wordEnd()),
                    d.gold().contains(entity)));
        }
        return out;
    }

    private static double logLoss(List<Decoded> set, EntityConfidence aggregation, double t) {
        double sum = 0;
        long n = 0;
        for (Decoded d : set) {
            for (ConfidenceThresholds.Scored s : scored(d, aggregation, t)) {
                double p = Math.min(1 - 1e-9, Math.max(1e-9, s.confidence()));
                sum -= s.gold() ? Math.log(p) : Math.log(1 - p);
                n++;
            }
        }
        return sum / n;
    }

    private static ConfidenceThresholds thresholds(List<Decoded> set, String name, EntityConfidence aggregation,
            double t) {
        ConfidenceThresholds th = new ConfidenceThresholds();
        for (Decoded d : set) {
            th.add(name, scored(d, aggregation, t), d.goldCount());
        }
        return th;
    }

    private static double ece(List<Decoded> set, EntityConfidence aggregation, double t) {
        return thresholds(set, "x", aggregation, t).calibration(List.of("x")).get(0).ece();
    }

    /** The probability that a gold entity's confidence exceeds a wrong one's (ties count half). */
    private static double auroc(List<Decoded> set, EntityConfidence aggregation, double t) {
        List<double[]> all = new ArrayList<>();
        for (Decoded d : set) {
            for (ConfidenceThresholds.Scored s : scored(d, aggregation, t)) {
                all.add(new double[] {s.confidence(), s.gold() ? 1 : 0});
            }
        }
        all.sort((a, b) -> Double.compare(a[0], b[0]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < all.size()) {
            int j = i;
            while (j < all.size() && all.get(j)[0] == all.get(i)[0]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0; // ranks i+1 .. j
            for (int k = i; k < j; k++) {
                if (all.get(k)[1] == 1) {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = all.size() - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
