package org.gner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.MetricsAccumulator;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Model;
import org.gner.prompt.LabelOrder;

/**
 * The training loop: per epoch, fresh label orders and a fresh batch order (both pure functions of
 * seed and epoch), teacher-forced steps through the runtime's {@link T5Model} with AdamW and a
 * linear schedule, resumable checkpoints, and a JSONL metrics file (loss per log interval and per
 * epoch, dev F1 per epoch). Progress goes to {@code progress} (stderr in the CLI).
 */
public final class Trainer {
    public static final String METRICS_FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEV_CHOICE_BATCH = 16;

    private final T5Model model;
    private final ModelTokenizer tokenizer;
    private final TrainingData train;
    private final List<TokenizedExample> dev;
    private final DevEvaluator evaluator;
    private final TrainingOptions options;
    private final Path output;
    private final Path configJson;
    private final Path tokenizerDir;
    private final PrintStream progress;

    /**
     * @param configJson   the config.json every checkpoint copies
     * @param tokenizerDir the folder whose tokenizer files every checkpoint copies
     * @param dev          tokenized dev examples (may be empty); {@code evaluator} may be null then
     */
    public Trainer(T5Model model, ModelTokenizer tokenizer, TrainingData train, List<TokenizedExample> dev,
            DevEvaluator evaluator, TrainingOptions options, Path output, Path configJson, Path tokenizerDir,
            PrintStream progress) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.train = train;
        this.dev = List.copyOf(dev);
        this.evaluator = evaluator;
        this.options = options;
        this.output = output;
        this.configJson = configJson;
        this.tokenizerDir = tokenizerDir;
        this.progress = progress;
    }

    /** Label order seed of an epoch: label orders change every epoch, reproducibly. */
    static long labelSeed(long seed, int epoch) {
        return seed + 1_000_003L * epoch;
    }

    /** Trains from scratch or, with {@code resumeFrom}, continues a resumable checkpoint exactly. */
    public TrainerState run(Path resumeFrom) throws IOException {
        Files.createDirectories(output);
        Map<String, NDArray> parameters = model.parameters();
        try (NDManager scope = model.newScope(); AdamW optimizer = new AdamW(scope, parameters, options.weightDecay())) {
            TrainerState state = resumeFrom == null
                    ? new TrainerState(0, 0, 0, 0, 0, options.seed(), options.targets())
                    : Checkpoints.restore(resumeFrom, optimizer, scope);
            if (state.seed() != options.seed()) {
                throw new IllegalArgumentException("checkpoint was trained with seed " + state.seed()
                        + ", not " + options.seed());
            }
            if (state.targets() != options.targets()) {
                throw new IllegalArgumentException("checkpoint was trained with " + state.targets()
                        + " targets, not " + options.targets());
            }
            Epoch data = epochData(state.epoch());
            int batchesPerEpoch = data.batches().size();
            LinearSchedule schedule = LinearSchedule.withWarmupRatio(options.learningRate(), options.warmupRatio(),
                    batchesPerEpoch * options.epochs());
            Progress meter = new Progress(schedule.totalSteps(), state.step());
            for (int epoch = state.epoch(); epoch < options.epochs(); epoch++) {
                if (epoch != state.epoch()) {
                    data = epochData(epoch);
                }
                List<TokenizedExample> examples = data.examples();
                List<List<Integer>> batches = data.batches();
                for (int b = state.nextBatch(); b < batches.size(); b++) {
                    List<TokenizedExample> batch = batches.get(b).stream().map(examples::get).toList();
                    double lr = schedule.rate(state.step());
                    StepResult result = step(optimizer, parameters, batch, lr);
                    state = new TrainerState(state.step() + 1, epoch, b + 1,
                            state.epochLossSum() + result.loss() * result.targetTokens(),
                            state.epochTargetTokens() + result.targetTokens(), options.seed(), options.targets());
                    meter.add(result.tokens());
                    if (state.step() % options.logEverySteps() == 0) {
                        progress.println(meter.line(state, result.loss(), lr, batches.size()));
                        appendMetrics(stepRecord(state, result, lr));
                    }
                    if (options.devChoiceEvery() > 0 && state.step() % options.devChoiceEvery() == 0
                            && !dev.isEmpty()) {
                        appendMetrics(choiceRecord(state));
                    }
                    boolean last = options.maxSteps() > 0 && state.step() >= options.maxSteps();
                    if (last || (options.saveEverySteps() > 0 && state.step() % options.saveEverySteps() == 0)) {
                        save(optimizer, state);
                    }
                    if (last) {
                        return state;
                    }
                }
                appendMetrics(epochRecord(state, epoch));
                state = new TrainerState(state.step(), epoch + 1, 0, 0, 0, options.seed(), options.targets());
                save(optimizer, state);
            }
            Checkpoints.writeModel(output, model, configJson, tokenizerDir);
            return state;
        }
    }

    private record StepResult(double loss, double gradNorm, int targetTokens, int tokens) {}

    private StepResult step(AdamW optimizer, Map<String, NDArray> parameters, List<TokenizedExample> batch,
            double lr) {
        try (NDManager scope = model.newScope()) {
            double loss;
            int targetTokens = batch.stream().mapToInt(e -> e.target().length).sum();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray mean = null; // []
                if (options.loss() == LossTarget.LABEL_CHOICES) {
                    TeacherForcing.ChoiceLoss choices = TeacherForcing.choiceLoss(model, scope, batch, tokenizer);
                    if (choices != null) {
                        mean = choices.mean();
                        targetTokens = choices.choices();
                    }
                }
                if (mean == null) {
                    mean = TeacherForcing.meanLoss(model, scope, batch);
                }
                collector.backward(mean);
                loss = mean.getFloat();
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss is " + loss + " at step " + (optimizer.steps() + 1));
            }
            double norm = optimizer.step(parameters, lr, options.maxGradNorm());
            return new StepResult(loss, norm, targetTokens, batch.stream().mapToInt(TokenizedExample::tokens).sum());
        }
    }

    /** An epoch's tokenized examples (in the configured target style) and its batches of indices. */
    private record Epoch(List<TokenizedExample> examples, List<List<Integer>> batches) {}

    /** Batches are planned on the full targets whatever the style, so a style changes only the targets. */
    private Epoch epochData(int epoch) {
        List<org.gner.prompt.GnerExample> sentences = train.examples(labelSeed(options.seed(), epoch));
        List<TokenizedExample> full = TrainingData.tokenize(sentences, tokenizer, options.maxSourceLength(),
                options.maxTargetLength());
        List<TokenizedExample> styled = TrainingData.withTargets(full, options.targets(), tokenizer,
                options.maxTargetLength());
        return new Epoch(styled, TokenBudgetBatches.plan(full, options.batchTokens(),
                labelSeed(options.seed(), epoch) ^ 0x5DEECE66DL));
    }

    private void save(AdamW optimizer, TrainerState state) throws IOException {
        Path dir = output.resolve(Checkpoints.PREFIX + state.step());
        Checkpoints.writeResumable(dir, model, configJson, tokenizerDir, optimizer, state);
        Checkpoints.prune(output, options.keepCheckpoints());
    }

    private ObjectNode stepRecord(TrainerState state, StepResult result, double lr) {
        ObjectNode line = JSON.createObjectNode();
        line.put("step", state.step());
        line.put("epoch", state.epoch());
        line.put("loss", result.loss());
        line.put("learning_rate", lr);
        line.put("grad_norm", result.gradNorm());
        return line;
    }

    /** Teacher-forced label-choice accuracy and entity F1 per dev dataset (see {@link TeacherForcing#choiceCounts}). */
    private ObjectNode choiceRecord(TrainerState state) {
        java.util.Map<String, TeacherForcing.ChoiceCounts> perDataset = new java.util.TreeMap<>();
        try (NDManager scope = model.newScope()) {
            for (int from = 0; from < dev.size(); from += DEV_CHOICE_BATCH) {
                List<TokenizedExample> batch = dev.subList(from, Math.min(dev.size(), from + DEV_CHOICE_BATCH));
                for (String dataset : batch.stream().map(e -> e.example().dataset()).distinct().toList()) {
                    List<TokenizedExample> rows = batch.stream().filter(e -> e.example().dataset().equals(dataset))
                            .toList();
                    perDataset.merge(dataset, TeacherForcing.choiceCounts(model, scope, rows, tokenizer),
                            TeacherForcing.ChoiceCounts::plus);
                }
            }
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("step", state.step());
        ObjectNode accuracy = line.putObject("dev_choice_accuracy");
        ObjectNode f1 = line.putObject("dev_choice_entity_f1");
        StringBuilder text = new StringBuilder("dev label choices at step " + state.step() + ":");
        for (var e : perDataset.entrySet()) {
            accuracy.put(e.getKey(), e.getValue().accuracy());
            f1.put(e.getKey(), e.getValue().entityF1());
            text.append(String.format(" %s acc %.3f entity F1 %.3f;", e.getKey(), e.getValue().accuracy(),
                    e.getValue().entityF1()));
        }
        progress.println(text);
        return line;
    }

    private ObjectNode epochRecord(TrainerState state, int epoch) {
        ObjectNode line = JSON.createObjectNode();
        line.put("epoch", epoch + 1);
        line.put("step", state.step());
        line.put("train_loss", state.epochLossSum() / Math.max(1, state.epochTargetTokens()));
        if (evaluator != null && !dev.isEmpty()) {
            MetricsAccumulator metrics = evaluator.evaluate(model, dev);
            ObjectNode f1 = line.putObject("dev_f1");
            for (DatasetMetrics d : metrics.datasets()) {
                f1.put(d.dataset(), d.f1());
            }
            line.put("dev_average_f1", metrics.averageF1());
            line.put("dev_decoding", evaluator.decoding().name().toLowerCase(java.util.Locale.ROOT));
            progress.printf("epoch %d: train loss %.4f, dev average F1 (%s decoding) %.4f%n", epoch + 1,
                    line.get("train_loss").asDouble(), line.get("dev_decoding").asText(), metrics.averageF1());
        }
        return line;
    }

    private void appendMetrics(ObjectNode line) throws IOException {
        Files.writeString(output.resolve(METRICS_FILE), JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Dev examples: at most {@code max} sentences per dataset, labels in the seeded default order. */
    public static List<TokenizedExample> devExamples(TrainingData dev, ModelTokenizer tokenizer, int max,
            TrainingOptions options) {
        List<org.gner.prompt.GnerExample> kept = new ArrayList<>();
        for (org.gner.data.LabeledDataset d : dev.datasets()) {
            org.gner.data.LabeledDataset cut = d.withSentences(d.sentences().subList(0, Math.min(max, d.size())));
            kept.addAll(org.gner.prompt.GnerExamples.from(cut, LabelOrder.seeded(options.seed()), false));
        }
        return TrainingData.tokenize(kept, tokenizer, options.maxSourceLength(), options.maxTargetLength());
    }
}
