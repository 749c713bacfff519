package org.gner.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.gner.model.CheckpointFiles;
import org.gner.model.DecodeState;
import org.gner.model.StepOutput;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.t5.TinyT5Checkpoints.Style;
import org.gner.model.t5.TinyT5Checkpoints;

/**
 * Cost of one verification pass of k + 1 tokens at the GNER-T5-base shape (random weights, fp32,
 * ~200-token prompts), as speculative decoding runs it: a block forward at ~60 cached positions
 * followed by a rollback of the rejected positions, for k = 0 (plain greedy step), 4, 8, 16, and
 * batch 1 and 8. Prints ms per pass, and ms per output token = ms/pass x passes/token, where
 * passes/token is DraftReplayBench's figure for that k (system property {@code gner.replay},
 * default the measured {@code 4:0.252,8:0.174,16:0.129}).
 *
 * <p>{@code bench/run DraftStepBench} (also {@code gner.bench.dir}, {@code gner.threads},
 * {@code gner.steps} as T5StepBench)
 */
public final class DraftStepBench {
    private static final boolean RAGGED = !"false".equals(System.getProperty("gner.ragged"));
    /**
     * gner.head=narrow: as constrained decoding reads a pass (the head for the allowed ids only: a label
     * choice of 8 ids at one position in 4, the rest forced); default full: every position's full logits.
     */
    private static final boolean NARROW = "narrow".equals(System.getProperty("gner.head"));

    private static long[][] labelChoices(int positions, java.util.SplittableRandom random) {
        long[][] allowed = new long[positions][];
        for (int p = 0; p < positions; p++) {
            allowed[p] = p % 4 == 0 ? random.longs(8, 3, 32000).toArray() : new long[] {5};
        }
        return allowed;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("gner.bench.dir", "target/bench/gner-t5-base-random"));
        if (!Files.exists(dir.resolve(CheckpointFiles.SINGLE_FILE))) {
            TinyT5Checkpoints.write(dir, new Spec(Style.FLAN, 768, 64, 2048, 12, 12, 12, 1234), Format.BF16);
        }
        Engine.getInstance();
        int threads = Integer.getInteger("gner.threads", 0);
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        int steps = Integer.getInteger("gner.steps", 15);
        double[] replay = new double[33];
        for (String part : System.getProperty("gner.replay", "4:0.252,8:0.174,16:0.129").split(",")) {
            String[] kv = part.split(":");
            replay[Integer.parseInt(kv[0])] = Double.parseDouble(kv[1]);
        }
        System.out.printf(Locale.ROOT, "libtorch threads %d%n", JniUtils.getNumThreads());
        try (T5Model model = T5Model.load(dir, RuntimeOptions.CPU_FP32)) {
            for (int batch : Arrays.stream(System.getProperty("gner.batches", "1,8").split(","))
                    .mapToInt(Integer::parseInt).toArray()) {
                List<long[]> prompts = T5StepBench.prompts(batch, 200, batch);
                double plain = 0;
                for (int k : Arrays.stream(System.getProperty("gner.ks", "0,4,8,16").split(","))
                        .mapToInt(Integer::parseInt).toArray()) {
                    double ms = passMillis(model, prompts, k, steps);
                    if (k == 0) {
                        plain = ms;
                        System.out.printf(Locale.ROOT, "batch %d: plain greedy step %.1f ms = %.1f ms/token%n", batch,
                                ms, ms);
                    } else {
                        double perToken = replay[k] > 0 ? ms * replay[k] : Double.NaN;
                        System.out.printf(Locale.ROOT, "batch %d: k=%2d pass %.1f ms (%.2fx a step); x %.3f passes/token"
                                + " = %.1f ms/token (%.2fx faster than plain)%n", batch, k, ms, ms / plain, replay[k],
                                perToken, plain / perToken);
                    }
                }
            }
        }
    }

    /** Median ms of a (k+1)-token block forward plus the rollback of a random share of it. */
    private static double passMillis(T5Model model, List<long[]> prompts, int k, int steps) {
        int rows = prompts.size();
        int n = k + 1;
        double[] times = new double[steps];
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, prompts)) {
            try (NDManager step = scope.newSubManager()) {
                state.prefill(step);
                long[] warm = new long[rows * 60];
                Arrays.fill(warm, 200);
                state.forward(step.create(warm, new Shape(rows, 60)));
            }
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            for (int i = -3; i < steps; i++) {
                long[] block = new long[rows * n];
                Arrays.fill(block, 300 + i);
                int[] drop = new int[rows];
                for (int r = 0; r < rows; r++) {
                    // ragged acceptance across rows (gner.ragged=false: every row keeps as many)
                    drop[r] = k == 0 ? 0 : RAGGED || r == 0 ? random.nextInt(n) : drop[0];
                }
                long start = System.nanoTime();
                try (NDManager step = scope.newSubManager()) {
                    StepOutput output = state.forwardStep(step.create(block, new Shape(rows, n)));
                    if (NARROW) {
                        output.candidates(labelChoices(rows * n, random));
                    } else {
                        output.logits().argMax(-1).toLongArray();
                    }
                }
                state.rollback(drop);
                if (i >= 0) {
                    times[i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        Arrays.sort(times);
        return times[steps / 2];
    }
}
