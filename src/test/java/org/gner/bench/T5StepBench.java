package org.gner.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.gner.generate.GenerationConfig;
import org.gner.generate.Generator;
import org.gner.model.CheckpointFiles;
import org.gner.model.DecodeState;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.t5.TinyT5Checkpoints.Style;
import org.gner.model.t5.TinyT5Checkpoints;

/**
 * Decoder step time and generation throughput of T5 at the GNER-T5-base shape (d_model 768,
 * 12+12 layers, 12 heads of 64, d_ff 2048 gated-gelu, vocab 32128) with random weights, fp32 on CPU,
 * ~200-token prompts.
 *
 * <p>Options (system properties): {@code gner.bench.dir} (checkpoint folder, written once, default
 * {@code target/bench/gner-t5-base-random}), {@code gner.threads} (libtorch intra-op threads),
 * {@code gner.batches} (default {@code 1,8,32}), {@code gner.steps} (timed steps, default 20),
 * {@code gner.generate} (new tokens for the throughput run, default 32; 0 skips it).
 */
public final class T5StepBench {
    private T5StepBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("gner.bench.dir", "target/bench/gner-t5-base-random"));
        Spec spec = new Spec(Style.FLAN, 768, 64, 2048, 12, 12, 12, 1234);
        if (!Files.exists(dir.resolve(CheckpointFiles.SINGLE_FILE))) {
            long t0 = System.nanoTime();
            TinyT5Checkpoints.write(dir, spec, Format.BF16);
            System.out.printf("wrote random GNER-T5-base checkpoint to %s in %.1f s%n", dir, seconds(t0));
        }
        Engine.getInstance();
        int threads = Integer.getInteger("gner.threads", 0);
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        int steps = Integer.getInteger("gner.steps", 20);
        int newTokens = Integer.getInteger("gner.generate", 32);
        int[] batches = Arrays.stream(System.getProperty("gner.batches", "1,8,32").split(","))
                .mapToInt(Integer::parseInt).toArray();
        System.out.printf("libtorch threads %d, cores %d%n", JniUtils.getNumThreads(),
                Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        try (T5Model model = T5Model.load(dir, RuntimeOptions.CPU_FP32)) {
            System.out.printf("loaded in %.1f s%n", seconds(t0));
            for (int batch : batches) {
                List<long[]> prompts = prompts(batch, 200, batch);
                stepTimes(model, prompts, steps);
            }
            if (newTokens > 0) {
                for (int batch : batches) {
                    List<long[]> prompts = prompts(batch, 200, 100 + batch);
                    new Generator().generate(model, prompts.subList(0, 1), GenerationConfig.greedy(4)); // warm
                    long start = System.nanoTime();
                    List<long[]> out = new Generator().generate(model, prompts, GenerationConfig.greedy(newTokens));
                    double s = seconds(start);
                    int generated = out.stream().mapToInt(o -> o.length).sum();
                    System.out.printf("batch %2d: greedy generate %d new tokens each: %.2f s, %.1f generated tokens/s"
                            + " (encoder included)%n", batch, newTokens, s, generated / s);
                }
            }
        }
    }

    private static void stepTimes(T5Model model, List<long[]> prompts, int steps) {
        int batch = prompts.size();
        try (NDManager scope = model.newScope()) {
            long t0 = System.nanoTime();
            try (DecodeState state = model.begin(scope, prompts)) {
                double encoder = millis(t0);
                try (NDManager step = scope.newSubManager()) {
                    state.prefill(step);
                }
                long[] tokens = new long[batch];
                double[] times = new double[steps];
                for (int i = -5; i < steps; i++) {
                    Arrays.fill(tokens, 100 + i + 5);
                    long start = System.nanoTime();
                    try (NDManager step = scope.newSubManager()) {
                        state.forward(step.create(tokens, new Shape(batch, 1))).argMax(-1).toLongArray();
                    }
                    if (i >= 0) {
                        times[i] = millis(start);
                    }
                }
                double[] sorted = times.clone();
                Arrays.sort(sorted);
                System.out.printf("batch %2d: encoder+cross K/V %.0f ms; decoder step median %.1f ms (min %.1f, max %.1f)"
                        + " over %d steps at positions 6-%d; %.0f step-tokens/s%n", batch, encoder,
                        sorted[steps / 2], sorted[0], sorted[steps - 1], steps, 5 + steps,
                        batch * 1000 / sorted[steps / 2]);
            }
        }
    }

    /** {@code count} prompts of about {@code length} random ids (lengths differ), ending in EOS. */
    static List<long[]> prompts(int count, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] p = new long[length - 10 + random.nextInt(21)];
            for (int j = 0; j < p.length - 1; j++) {
                p[j] = 3 + random.nextInt(32000);
            }
            p[p.length - 1] = 1;
            prompts.add(p);
        }
        return prompts;
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
