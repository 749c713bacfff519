package org.gner.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gner.data.DatasetConfigs;
import org.gner.data.LabeledDataset;
import org.gner.data.NerSentence;
import org.gner.model.ModelTokenizer;
import org.gner.model.T5Config;
import org.gner.model.T5Model;
import org.gner.prompt.GnerExample;
import org.gner.testing.SharedData;
import org.gner.train.AdamW;
import org.gner.train.Checkpoints;
import org.gner.train.LinearSchedule;
import org.gner.train.T5Initializer;
import org.gner.train.TeacherForcing;
import org.gner.train.TokenBudgetBatches;
import org.gner.train.TokenizedExample;
import org.gner.train.TrainingData;

/**
 * Copy pre-training for the shipped model: a randomly initialised T5 learns to reproduce its input
 * sentence (the training sentences' words, no instruction, no labels). From scratch, GNER's targets
 * stayed on a plateau (~1.8 nats per token, output unrelated to the input) for 1,200 steps; the copy
 * circuit they need first forms in a few hundred steps on this plain task.
 *
 * <p>{@code bench/run PretrainCopy <config dir with config.json and tokenizer> <output> [steps] [batchTokens]}
 */
public final class PretrainCopy {
    public static void main(String[] args) throws Exception {
        Path configDir = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int batchTokens = args.length > 3 ? Integer.parseInt(args[3]) : 2048;
        Path init = output.resolve("init");
        Files.createDirectories(init);
        Files.copy(configDir.resolve("config.json"), init.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        T5Initializer.writeRandomWeights(init, T5Config.read(init.resolve("config.json")), 1.0, 42);
        TrainingData data = TrainingData.read(List.of(SharedData.zeroShotDataDir(), SharedData.path("datasets/supervised")),
                DatasetConfigs.parse(Path.of("datasets/configs/shipped/train_configs.json").toString()), "train");
        List<String> texts = new ArrayList<>();
        for (LabeledDataset d : data.datasets()) {
            for (NerSentence s : d.sentences()) {
                texts.add(String.join(" ", s.words()));
            }
        }
        long start = System.nanoTime();
        try (ModelTokenizer tokenizer = ModelTokenizer.load(configDir);
                T5Model model = T5Model.loadForTraining(init, Device.cpu())) {
            List<long[]> ids = tokenizer.encodeBatch(texts);
            List<TokenizedExample> examples = new ArrayList<>();
            GnerExample source = new GnerExample("copy", "train", "0", List.of("-"), List.of("O"), List.of("-"), "-", "-");
            for (long[] t : ids) {
                long[] cut = t.length > 128 ? java.util.Arrays.copyOfRange(t, t.length - 128, t.length) : t;
                examples.add(new TokenizedExample(source, cut, cut));
            }
            Map<String, NDArray> parameters = model.parameters();
            LinearSchedule schedule = LinearSchedule.withWarmupRatio(2e-3, 0.03, steps);
            try (NDManager scope = model.newScope(); AdamW optimizer = new AdamW(scope, parameters, 0.01)) {
                int step = 0;
                for (int epoch = 0; step < steps; epoch++) {
                    for (List<Integer> b : TokenBudgetBatches.plan(examples, batchTokens, 99L + epoch)) {
                        if (step >= steps) {
                            break;
                        }
                        List<TokenizedExample> batch = b.stream().map(examples::get).toList();
                        float loss;
                        try (NDManager stepScope = model.newScope()) {
                            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                                NDArray mean = TeacherForcing.meanLoss(model, stepScope, batch); // []
                                c.backward(mean);
                                loss = mean.getFloat();
                            }
                            optimizer.step(parameters, schedule.rate(step), 1.0);
                        }
                        step++;
                        if (step % 20 == 0) {
                            System.err.printf("copy step %d/%d epoch %d loss %.4f (%.0f s)%n", step, steps, epoch + 1,
                                    loss, (System.nanoTime() - start) / 1e9);
                        }
                    }
                }
            }
            Checkpoints.writeModel(output, model, init.resolve("config.json"), configDir);
        }
        System.out.printf("copy pre-training: %d steps in %.0f s; model in %s%n", steps,
                (System.nanoTime() - start) / 1e9, output);
    }
}
