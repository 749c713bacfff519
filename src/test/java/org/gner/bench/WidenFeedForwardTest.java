package org.gner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A widened checkpoint computes what the original computes: gated (Flan) and plain (v1) feed-forwards. */
class WidenFeedForwardTest {
    private static final List<long[]> PROMPTS = List.of(new long[] {5, 9, 17, 3, 1}, new long[] {8, 2, 1});
    private static final List<long[]> DECODER_INPUTS = List.of(new long[] {0, 4, 11, 6}, new long[] {0, 7, 7, 2});

    @TempDir
    Path tmp;

    @Test
    void widenedModelGivesTheSameLogits() throws Exception {
        for (Spec spec : List.of(Spec.flan(3), Spec.v1(4))) {
            Path narrow = TinyT5Checkpoints.write(tmp.resolve("narrow-" + spec.style()), spec, Format.F32);
            Path wide = tmp.resolve("wide-" + spec.style());
            int widened = WidenFeedForward.widen(narrow, wide, 4 * spec.dFf(), 7);
            int layers = spec.layers() + spec.decoderLayers();
            assertEquals(layers * (spec.style() == TinyT5Checkpoints.Style.FLAN ? 3 : 2), widened);
            assertEquals(4 * spec.dFf(), T5Config.read(wide.resolve("config.json")).dFf());
            try (T5Model a = T5Model.load(narrow, RuntimeOptions.CPU_FP32);
                    T5Model b = T5Model.load(wide, RuntimeOptions.CPU_FP32);
                    NDManager m = NDManager.newBaseManager()) {
                float[] expected = a.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
                float[] actual = b.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
                }
                assertTrue(worst < 1e-4, spec.style() + ": max abs logit difference " + worst);
            }
        }
    }
}
