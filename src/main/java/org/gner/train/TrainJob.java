package org.gner.train;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.gner.data.DatasetConfig;
import org.gner.data.DatasetConfigs;
import org.gner.generate.Guidance;
import org.gner.model.CheckpointFiles;
import org.gner.model.ModelTokenizer;
import org.gner.model.hub.ModelLocator;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.T5Model;
import org.gner.structure.BackTokenizer;

/**
 * {@code gner train} without the command line: picks the starting weights (a checkpoint to
 * fine-tune, a {@code config.json} alone to train from scratch with HF's initialisation, or the
 * latest checkpoint under {@code output} with {@code resume}), reads the data and runs the {@link Trainer}.
 */
public final class TrainJob {
    private TrainJob() {}

    /**
     * @param model     a checkpoint folder or hub id, or a folder with only config.json (from scratch)
     * @param tokenizer folder of the tokenizer files; null: the model folder
     * @param initSeed  seed of the random initialisation (from scratch only)
     * @param devSplit  split used for dev F1 where a dataset has it (e.g. "dev")
     */
    public record Request(String model, Path tokenizer, List<Path> dataDirs, String datasets, Path output,
            TrainingOptions options, Device device, boolean resume, long initSeed, String devSplit) {}

    public static TrainerState run(Request request, PrintStream progress) throws IOException {
        Path output = request.output();
        Files.createDirectories(output);
        Path modelDir = startingFolder(request, progress);
        Path tokenizerDir = request.tokenizer() != null ? request.tokenizer() : modelDir;
        Path resumeFrom = null;
        Path weightsDir = modelDir;
        if (request.resume()) {
            resumeFrom = Checkpoints.latest(output)
                    .orElseThrow(() -> new IOException("--resume: no checkpoint-* with trainer_state.json under " + output));
            weightsDir = resumeFrom;
            progress.println("resuming from " + resumeFrom);
        } else if (!hasWeights(modelDir)) {
            weightsDir = output.resolve("init");
            Files.createDirectories(weightsDir);
            Files.copy(modelDir.resolve("config.json"), weightsDir.resolve("config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            double factor = Checkpoints.readJson(modelDir.resolve("config.json")).path("initializer_factor").asDouble(1.0);
            T5Initializer.writeRandomWeights(weightsDir, T5Config.read(modelDir.resolve("config.json")), factor,
                    request.initSeed());
            progress.println("no weights in " + modelDir + ": training from a random initialisation (seed "
                    + request.initSeed() + ")");
        }
        List<DatasetConfig> configs = DatasetConfigs.parse(request.datasets());
        TrainingData train = TrainingData.read(request.dataDirs(), configs, "train");
        TrainingData dev = TrainingData.readAvailable(request.dataDirs(), configs, request.devSplit());
        progress.printf("training on %d sentences from %d datasets; dev: %d datasets%n", train.size(),
                train.datasets().size(), dev.datasets().size());
        try (ModelTokenizer tokenizer = ModelTokenizer.load(tokenizerDir);
                BackTokenizer normalizer = BackTokenizer.over(tokenizer);
                T5Model model = T5Model.loadForTraining(weightsDir, request.device())) {
            TrainingOptions options = request.options();
            List<TokenizedExample> devExamples = options.devMaxSentences() > 0
                    ? Trainer.devExamples(dev, tokenizer, options.devMaxSentences(), options)
                    : List.of();
            // a model trained on label choices alone is meant for constrained decoding: free decoding scores ~0
            DevEvaluator evaluator = new DevEvaluator(tokenizer, normalizer, options.maxTargetLength(),
                    options.loss() == LossTarget.LABEL_CHOICES ? Guidance.Decoding.CONSTRAINED : Guidance.Decoding.FREE);
            Trainer trainer = new Trainer(model, tokenizer, train, devExamples, evaluator, options, output,
                    weightsDir.resolve("config.json"), tokenizerDir, progress);
            return trainer.run(resumeFrom);
        }
    }

    private static Path startingFolder(Request request, PrintStream progress) throws IOException {
        Path local = Path.of(request.model());
        if (Files.isDirectory(local) && Files.isRegularFile(local.resolve("config.json")) && !hasWeights(local)) {
            return local.toAbsolutePath().normalize();
        }
        return ModelLocator.fromSystem().resolve(request.model());
    }

    private static boolean hasWeights(Path dir) {
        return Files.isRegularFile(dir.resolve(CheckpointFiles.SINGLE_FILE))
                || Files.isRegularFile(dir.resolve(CheckpointFiles.INDEX_FILE));
    }
}
