package org.gner.train;

/**
 * The knobs of one training run.
 *
 * @param epochs          passes over the training set
 * @param learningRate    AdamW's peak rate
 * @param warmupRatio     fraction of the steps spent warming up linearly (then linear decay to 0)
 * @param weightDecay     AdamW's decoupled decay (layer norms exempt)
 * @param maxGradNorm     global gradient-norm clip (0: none)
 * @param batchTokens     padded tokens (prompt + target) per batch
 * @param maxSourceLength prompt tokens kept (EOS last)
 * @param maxTargetLength target tokens kept (EOS last), also the dev generation limit
 * @param seed            data order and label-order seed
 * @param saveEverySteps  a checkpoint every N steps (0: only at epoch ends)
 * @param keepCheckpoints checkpoints kept on disk (older ones deleted)
 * @param logEverySteps   a progress line every N steps
 * @param maxSteps        stop after this many optimiser steps in total (0: no limit; the schedule
 *                        still spans all epochs)
 * @param devMaxSentences dev sentences generated per dataset at each epoch end (0: no dev F1)
 * @param targets         full GNER targets, or entity words only (ablation); batches are planned on
 *                        the full targets either way, so both styles see the same sentences per step
 */
public record TrainingOptions(int epochs, double learningRate, double warmupRatio, double weightDecay,
        double maxGradNorm, int batchTokens, int maxSourceLength, int maxTargetLength, long seed,
        int saveEverySteps, int keepCheckpoints, int logEverySteps, long maxSteps, int devMaxSentences,
        TargetStyle targets, LossTarget loss, int devChoiceEvery) {

    public TrainingOptions(int epochs, double learningRate, double warmupRatio, double weightDecay,
            double maxGradNorm, int batchTokens, int maxSourceLength, int maxTargetLength, long seed,
            int saveEverySteps, int keepCheckpoints, int logEverySteps, long maxSteps, int devMaxSentences) {
        this(epochs, learningRate, warmupRatio, weightDecay, maxGradNorm, batchTokens, maxSourceLength,
                maxTargetLength, seed, saveEverySteps, keepCheckpoints, logEverySteps, maxSteps, devMaxSentences,
                TargetStyle.FULL, LossTarget.TOKENS, 0);
    }

    public TrainingOptions {
        java.util.Objects.requireNonNull(targets, "targets");
        java.util.Objects.requireNonNull(loss, "loss");
        if (epochs < 1 || batchTokens < 1 || maxSourceLength < 2 || maxTargetLength < 2 || logEverySteps < 1
                || keepCheckpoints < 1 || devChoiceEvery < 0) {
            throw new IllegalArgumentException("bad training options: " + this);
        }
    }

    /** GNER-like defaults: 3 epochs, 5e-5, 4% warm-up, no decay, clip 1.0, 640-token limits. */
    public static TrainingOptions defaults() {
        return new TrainingOptions(3, 5e-5, 0.04, 0.0, 1.0, 8192, 640, 640, 1234L, 1000, 2, 10, 0, 100);
    }

    public TrainingOptions withEpochs(int value) {
        return new TrainingOptions(value, learningRate, warmupRatio, weightDecay, maxGradNorm, batchTokens,
                maxSourceLength, maxTargetLength, seed, saveEverySteps, keepCheckpoints, logEverySteps, maxSteps,
                devMaxSentences, targets, loss, devChoiceEvery);
    }

    public TrainingOptions withMaxSteps(long value) {
        return new TrainingOptions(epochs, learningRate, warmupRatio, weightDecay, maxGradNorm, batchTokens,
                maxSourceLength, maxTargetLength, seed, saveEverySteps, keepCheckpoints, logEverySteps, value,
                devMaxSentences, targets, loss, devChoiceEvery);
    }

    public TrainingOptions withTargets(TargetStyle value) {
        return new TrainingOptions(epochs, learningRate, warmupRatio, weightDecay, maxGradNorm, batchTokens,
                maxSourceLength, maxTargetLength, seed, saveEverySteps, keepCheckpoints, logEverySteps, maxSteps,
                devMaxSentences, value, loss, devChoiceEvery);
    }

    public TrainingOptions withLoss(LossTarget value, int choiceEvery) {
        return new TrainingOptions(epochs, learningRate, warmupRatio, weightDecay, maxGradNorm, batchTokens,
                maxSourceLength, maxTargetLength, seed, saveEverySteps, keepCheckpoints, logEverySteps, maxSteps,
                devMaxSentences, targets, value, choiceEvery);
    }
}
