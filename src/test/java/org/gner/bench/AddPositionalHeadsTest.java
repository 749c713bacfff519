package org.gner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.weights.WeightStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New heads start silent (same logits) with their position-bias columns set to one offset each. */
class AddPositionalHeadsTest {

    @TempDir
    Path tmp;

    @Test
    void addedHeadsKeepTheFunctionAndPointAtTheirOffsets() throws Exception {
        for (Spec spec : List.of(Spec.flan(3), Spec.v1(4))) {
            Path before = TinyT5Checkpoints.write(tmp.resolve("before-" + spec.style()), spec, Format.F32);
            Path after = tmp.resolve("after-" + spec.style());
            int heads = AddPositionalHeads.add(before, after, List.of(-1, 2), List.of(-1, -3), 7);
            assertEquals(spec.heads() + 2, heads);
            assertEquals(heads, T5Config.read(after.resolve("config.json")).numHeads());
            double worst = SameLogits.maxDifference(before, after);
            assertTrue(worst < 1e-4, spec.style() + ": max abs logit difference " + worst);
            try (NDManager m = NDManager.newBaseManager()) {
                float[] decoderBias = WeightStore.open(after).load(
                        "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", m, DataType.FLOAT32)
                        .toFloatArray(); // [32 buckets, heads]
                for (int bucket = 0; bucket < 32; bucket++) {
                    assertEquals(bucket == 1 ? 8f : -8f, decoderBias[bucket * heads + spec.heads()]);
                    assertEquals(bucket == 3 ? 8f : -8f, decoderBias[bucket * heads + spec.heads() + 1]);
                }
                float[] encoderBias = WeightStore.open(after).load(
                        "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", m, DataType.FLOAT32)
                        .toFloatArray();
                assertEquals(8f, encoderBias[1 * heads + spec.heads()]); // one back: bucket 1
                assertEquals(8f, encoderBias[(16 + 2) * heads + spec.heads() + 1]); // two ahead: bucket 16 + 2
            }
        }
    }

    @Test
    void refusesUnevenOrLookAheadDecoderHeads() {
        assertThrows(IllegalArgumentException.class,
                () -> AddPositionalHeads.add(tmp, tmp.resolve("x"), List.of(-1), List.of(-1, -2), 1));
        assertThrows(IllegalArgumentException.class,
                () -> AddPositionalHeads.add(tmp, tmp.resolve("x"), List.of(-1), List.of(1), 1));
    }
}
