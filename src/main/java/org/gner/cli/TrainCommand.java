package org.gner.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.gner.model.RuntimeOptions;
import org.gner.train.LossTarget;
import org.gner.train.TargetStyle;
import org.gner.train.TrainJob;
import org.gner.train.TrainerState;
import org.gner.train.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune or train a GNER T5 model (targets label every word, O included), single JVM.",
                "Writes checkpoint-N/ folders, metrics.jsonl and the final HF checkpoint under --output."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "<dir|hub id>",
            description = "Checkpoint to fine-tune, or a folder with only config.json to train from scratch.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "<dir>",
            description = "Folder with tokenizer.json (and tokenizer_config.json); default: the model folder.")
    Path tokenizer;

    @Option(names = "--data-dir", required = true, split = ",", paramLabel = "<dir>",
            description = "GNER data folder(s) (<dataset>/train.txt, label.txt); a dataset is read from the first"
                    + " that has it.")
    List<Path> dataDirs;

    @Option(names = "--datasets", required = true, paramLabel = "<config.json|names>",
            description = "GNER dataset-config JSON, or comma-separated dataset names (full sampling).")
    String datasets;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output folder.")
    Path output;

    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (AdamW).") double lr;
    @Option(names = "--warmup-ratio", defaultValue = "0.04") double warmupRatio;
    @Option(names = "--weight-decay", defaultValue = "0.0") double weightDecay;
    @Option(names = "--max-grad-norm", defaultValue = "1.0") double maxGradNorm;
    @Option(names = "--batch-tokens", defaultValue = "8192", description = "Padded prompt+target tokens per batch.")
    int batchTokens;
    @Option(names = "--max-source-length", defaultValue = "640") int maxSourceLength;
    @Option(names = "--max-target-length", defaultValue = "640") int maxTargetLength;
    @Option(names = "--seed", defaultValue = "1234") long seed;
    @Option(names = "--init-seed", defaultValue = "42", description = "Random initialisation seed (from scratch).")
    long initSeed;
    @Option(names = "--save-steps", defaultValue = "1000") int saveSteps;
    @Option(names = "--keep-checkpoints", defaultValue = "2") int keepCheckpoints;
    @Option(names = "--log-steps", defaultValue = "10") int logSteps;
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after N steps (0: all epochs).")
    long maxSteps;
    @Option(names = "--dev-split", defaultValue = "dev") String devSplit;
    @Option(names = "--dev-max", defaultValue = "100", description = "Dev sentences per dataset per epoch (0: none).")
    int devMax;
    @Option(names = "--targets", defaultValue = "full", paramLabel = "full|entities",
            description = "full: every word labelled, O included (GNER); entities: entity words only (ablation).")
    String targets;
    @Option(names = "--loss", defaultValue = "tokens", paramLabel = "tokens|label-choices",
            description = "tokens: every target token over the vocabulary (HF's loss); label-choices: only the label "
                    + "tokens constrained decoding leaves to the model, over the tokens allowed there (faster; no free decoding).")
    String loss;
    @Option(names = "--dev-choice-steps", defaultValue = "0", paramLabel = "N",
            description = "Every N steps, teacher-forced label-choice accuracy and entity F1 on the dev sentences (0: never).")
    int devChoiceSteps;
    @Mixin
    DeviceOption runOn;
    @Option(names = "--resume", description = "Continue from the latest checkpoint-N under --output.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainingOptions options = new TrainingOptions(epochs, lr, warmupRatio, weightDecay, maxGradNorm, batchTokens,
                maxSourceLength, maxTargetLength, seed, saveSteps, keepCheckpoints, logSteps, maxSteps, devMax,
                TargetStyle.parse(targets), LossTarget.parse(loss), devChoiceSteps);
        TrainerState state = TrainJob.run(new TrainJob.Request(model, tokenizer, dataDirs, datasets, output, options,
                RuntimeOptions.parseDevice(runOn.device), resume, initSeed, devSplit), System.err);
        System.out.println("trained " + state.step() + " steps; model in " + output);
        return 0;
    }
}
