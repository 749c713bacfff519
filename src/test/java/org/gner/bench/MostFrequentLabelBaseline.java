package org.gner.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gner.data.ConllReader;
import org.gner.data.GnerRecord;
import org.gner.data.LabeledDataset;
import org.gner.data.NerSentence;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.MetricsAccumulator;
import org.gner.metrics.PredictionScorer;
import org.gner.prompt.PromptBuilder;
import org.gner.structure.BackTokenizer;
import org.gner.testing.SharedData;

/**
 * The bar the shipped model has to clear: each test word gets the BIO label it carried most often
 * in the train split (O for unseen words; case-sensitive), scored by GNER's scorer.
 *
 * <p>{@code bench/run MostFrequentLabelBaseline <data-dir> <max sentences per test set, 0: all> dataset...}
 */
public final class MostFrequentLabelBaseline {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int max = Integer.parseInt(args[1]);
        MetricsAccumulator metrics = new MetricsAccumulator();
        try (BackTokenizer back = BackTokenizer.load(SharedData.flanT5Tokenizer())) {
            PredictionScorer scorer = new PredictionScorer(back);
            for (int a = 2; a < args.length; a++) {
                String name = args[a];
                LabeledDataset train = ConllReader.readForPrompts(dataDir, name, "train");
                Map<String, Map<String, Integer>> counts = new HashMap<>();
                for (NerSentence s : train.sentences()) {
                    for (int i = 0; i < s.size(); i++) {
                        counts.computeIfAbsent(s.words().get(i), w -> new HashMap<>())
                                .merge(s.labels().get(i), 1, Integer::sum);
                    }
                }
                LabeledDataset test = ConllReader.readForPrompts(dataDir, name, "test");
                List<NerSentence> sentences = max > 0 && max < test.size() ? test.sentences().subList(0, max)
                        : test.sentences();
                for (NerSentence s : sentences) {
                    List<String> predicted = s.words().stream().map(w -> counts.getOrDefault(w, Map.of()).entrySet()
                            .stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("O")).toList();
                    GnerRecord record = new GnerRecord(name, "test", test.labels(), s, null, null,
                            PromptBuilder.promptLabels(s.words(), predicted), null);
                    PredictionScorer.ScoredPrediction scored = scorer.score(record);
                    metrics.add(name, scored.score(), scored.structured().matchKind());
                }
            }
        }
        for (DatasetMetrics d : metrics.datasets()) {
            System.out.printf(Locale.ROOT, "%-16s %5d sentences  P %6.2f  R %6.2f  F1 %6.2f%n", d.dataset(),
                    d.sentences(), 100 * d.precision(), 100 * d.recall(), 100 * d.f1());
        }
        System.out.printf(Locale.ROOT, "average F1 %.2f%n", 100 * metrics.averageF1());
    }
}
