package org.gner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW (decoupled weight decay, bias-corrected moments) over named arrays, with
 * torch's {@code clip_grad_norm_} on the global gradient norm first. Layer-norm weights are not
 * decayed, as HF's Trainer leaves them out. Updates run in place after the gradient collector is
 * closed (grad mode off), then the gradients are zeroed: libtorch accumulates them across backward
 * calls and DJL's collector never clears arrays outside its system manager.
 */
public final class AdamW implements AutoCloseable {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    private final NDManager manager;
    private final double weightDecay;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>(); // per parameter, its shape
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>(); // per parameter, its shape
    private long steps;

    public AdamW(NDManager parent, Map<String, NDArray> parameters, double weightDecay) {
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> {
            firstMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
            secondMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
        });
    }

    /** Optimiser steps taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * Clips the gradients to {@code maxNorm} (global L2; no clipping when not positive), applies one
     * AdamW step at learning rate {@code lr} and zeroes the gradients. Returns the norm before clipping.
     */
    public double step(Map<String, NDArray> parameters, double lr, double maxNorm) {
        steps++;
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            NDArray squares = scope.zeros(new ai.djl.ndarray.types.Shape(), ai.djl.ndarray.types.DataType.FLOAT32);
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scope);
                grads.put(e.getKey(), g);
                squares.addi(g.square().sum());
            }
            double norm = Math.sqrt(squares.getFloat());
            double clip = maxNorm > 0 ? Math.min(1.0, maxNorm / (norm + 1e-6)) : 1.0;
            double c1 = 1 - Math.pow(BETA1, steps);
            double c2 = 1 - Math.pow(BETA2, steps);
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue();
                NDArray g = grads.get(name).muli(clip);
                NDArray m = firstMoments.get(name).muli(BETA1).addi(g.mul(1 - BETA1));
                NDArray v = secondMoments.get(name).muli(BETA2).addi(g.square().muli(1 - BETA2));
                if (weightDecay > 0 && !name.contains("layer_norm")) {
                    p.muli(1 - lr * weightDecay);
                }
                // ops on a long-lived array return arrays in its manager: keep these in the step's scope
                NDArray denominator = in(scope, v.sqrt()).divi(Math.sqrt(c2)).addi(EPSILON);
                p.subi(in(scope, m.div(denominator)).muli(lr / c1));
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return norm;
        }
    }

    private static NDArray in(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }

    /** The moments by {@code m.<name>} / {@code v.<name>}, for a checkpoint (the arrays themselves). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> out.put("m." + name, m));
        secondMoments.forEach((name, v) -> out.put("v." + name, v));
        return out;
    }

    /** Restores moments and step count saved by {@link #state} and {@link #steps}. */
    public void restore(Map<String, NDArray> state, long stepCount) {
        for (Map<String, NDArray> moments : java.util.List.of(firstMoments, secondMoments)) {
            String prefix = moments == firstMoments ? "m." : "v.";
            for (Map.Entry<String, NDArray> e : moments.entrySet()) {
                NDArray saved = state.get(prefix + e.getKey());
                if (saved == null || !saved.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException("optimizer state lacks or misshapes " + prefix + e.getKey());
                }
                e.getValue().set(saved.toByteBuffer());
            }
        }
        this.steps = stepCount;
    }

    @Override
    public void close() {
        manager.close();
    }
}
