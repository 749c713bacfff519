package org.gner.train;

/**
 * Where a run stands after {@code step} optimiser steps: the next batch is {@code nextBatch} of epoch
 * {@code epoch} (each epoch's data order is a pure function of the seed and the epoch, so this is the
 * whole data-order state), with the running loss sums of that epoch.
 */
public record TrainerState(long step, int epoch, int nextBatch, double epochLossSum, long epochTargetTokens,
        long seed, TargetStyle targets) {

    public TrainerState {
        targets = targets == null ? TargetStyle.FULL : targets; // states written before target styles existed
    }
}
