package org.gner.bench;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;

/** The check the checkpoint-growing tools share: a grown checkpoint computes what the original computes. */
final class SameLogits {
    private static final List<long[]> PROMPTS = List.of(new long[] {5, 9, 17, 3, 1}, new long[] {8, 2, 1});
    private static final List<long[]> DECODER_INPUTS =
            List.of(new long[] {0, 4, 11, 6, 2, 9}, new long[] {0, 7, 7, 2, 3, 3});

    private SameLogits() {}

    /** The largest absolute difference between the two checkpoints' fp32 logits on the same small batch. */
    static double maxDifference(Path before, Path after) throws java.io.IOException {
        try (T5Model a = T5Model.load(before, RuntimeOptions.CPU_FP32);
                T5Model b = T5Model.load(after, RuntimeOptions.CPU_FP32);
                NDManager m = NDManager.newBaseManager()) {
            float[] expected = a.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(); // [batch * tgt * vocab]
            float[] actual = b.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
            return worst;
        }
    }
}
