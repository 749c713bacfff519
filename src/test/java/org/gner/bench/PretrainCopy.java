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
import org.gner.model.t5.T5Config;
import org.gner.model.t5.T5Model;
import org.gner.prompt.GnerExample;
import org.gner.testing.SharedData;
import org.gner.train.AdamW;
import org.gner.train.Checkpoints;
import org.gner.train.LinearSchedule;
import org.gner.train.T5Initializer;
import org.gner.train.TeacherForcing;
import org.gner.train.TokenizedExample;
import org.gner.train.TrainingData;

/**
 * Copy pre-training experiment for the small model: a T5 of the shipped shape learns to reproduce
 * random sequences of the token ids that occur in the training sentences (no instruction, no labels),
 * meant to form the copy circuit GNER's targets need before fine-tuning on them. Measured here (2
 * threads, 64 rows of 6-16 tokens, peak lr 3e-3): 1.1 s per step, loss 9.8 -> 7.6 after 1,020 steps,
 * no onset of copying yet, unlike {@code CopyTaskTest}'s 64-id alphabet where it starts near step 300.
 *
 * <p>{@code bench/run PretrainCopy <config dir with config.json and tokenizer> <output> [steps] [rows]
 * [from checkpoint]}; without a checkpoint the weights start random (HF's T5 init, seed 42).
 */
public final class PretrainCopy {
    public static void main(String[] args) throws Exception {
        Path configDir = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int rows = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Path init = args.length > 4 ? Path.of(args[4]) : output.resolve("init");
        if (args.length <= 4) {
            Files.createDirectories(init);
            Files.copy(configDir.resolve("config.json"), init.resolve("config.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            T5Initializer.writeRandomWeights(init, T5Config.read(init.resolve("config.json")), 1.0, 42);
        }
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
            // the distinct token ids of the training sentences (EOS excluded), sampled uniformly
            long[] vocabulary = ids.stream().flatMapToLong(java.util.Arrays::stream).filter(t -> t != 1).distinct()
                    .sorted().toArray();
            System.err.printf("copy pre-training over %d distinct token ids of %d sentences%n", vocabulary.length,
                    texts.size());
            java.util.SplittableRandom random = new java.util.SplittableRandom(11);
            GnerExample source = new GnerExample("copy", "train", "0", List.of("-"), List.of("O"), List.of("-"), "-", "-");
            Map<String, NDArray> parameters = model.parameters();
            LinearSchedule schedule = LinearSchedule.withWarmupRatio(3e-3, 0.03, steps);
            try (NDManager scope = model.newScope(); AdamW optimizer = new AdamW(scope, parameters, 0.01)) {
                for (int step = 0; step < steps; step++) {
                    // random token sequences: nothing to learn but copying (a text's language model is a
                    // plateau GNER-sized models sat on for 1,000+ steps)
                    List<TokenizedExample> batch = new ArrayList<>();
                    for (int r = 0; r < rows; r++) {
                        long[] seq = new long[6 + random.nextInt(11) + 1];
                        for (int i = 0; i < seq.length - 1; i++) {
                            seq[i] = vocabulary[random.nextInt(vocabulary.length)];
                        }
                        seq[seq.length - 1] = 1;
                        batch.add(new TokenizedExample(source, seq, seq.clone()));
                    }
                    float loss;
                    try (NDManager stepScope = model.newScope()) {
                        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                            NDArray mean = TeacherForcing.meanLoss(model, stepScope, batch); // []
                            c.backward(mean);
                            loss = mean.getFloat();
                        }
                        optimizer.step(parameters, schedule.rate(step), 1.0);
                    }
                    if ((step + 1) % 20 == 0) {
                        System.err.printf("copy step %d/%d loss %.4f (%.0f s)%n", step + 1, steps, loss,
                                (System.nanoTime() - start) / 1e9);
                    }
                }
            }
            Checkpoints.writeModel(output, model, init.resolve("config.json"), configDir);
        }
        System.out.printf("copy pre-training: %d steps in %.0f s; model in %s%n", steps,
                (System.nanoTime() - start) / 1e9, output);
    }
}
