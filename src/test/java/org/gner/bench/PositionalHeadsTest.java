package org.gner.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.weights.WeightStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the named heads change: their bias column picks one offset, their query rows are zero. */
class PositionalHeadsTest {
    private static final String ENC_BIAS = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
    private static final String DEC_BIAS = "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";

    @TempDir
    Path tmp;

    @Test
    void namedHeadsBecomeFixedOffsetHeadsAndNothingElseChanges() throws Exception {
        Spec spec = Spec.flan(5); // 4 heads of d_kv 12, 2+2 layers, 32 buckets
        Path before = TinyT5Checkpoints.write(tmp.resolve("before"), spec, Format.F32);
        Path after = tmp.resolve("after");
        PositionalHeads.rewrite(before, after, PositionalHeads.parse("encoder:1=1,decoder:2=-1"), 8f);
        WeightStore a = WeightStore.open(before);
        WeightStore b = WeightStore.open(after);
        assertEquals(a.names(), b.names());
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : a.names()) {
                float[] x = a.load(name, m, DataType.FLOAT32).toFloatArray();
                float[] y = b.load(name, m, DataType.FLOAT32).toFloatArray();
                if (name.equals(ENC_BIAS)) {
                    // [32 buckets, 4 heads]: head 1 is +8 at bucket 16 + 1 (one ahead), -8 elsewhere
                    for (int bucket = 0; bucket < 32; bucket++) {
                        assertEquals(bucket == 17 ? 8f : -8f, y[bucket * 4 + 1], name + " bucket " + bucket);
                        assertEquals(x[bucket * 4], y[bucket * 4]);
                    }
                } else if (name.equals(DEC_BIAS)) {
                    for (int bucket = 0; bucket < 32; bucket++) {
                        assertEquals(bucket == 1 ? 8f : -8f, y[bucket * 4 + 2], name + " bucket " + bucket);
                        assertEquals(x[bucket * 4 + 3], y[bucket * 4 + 3]);
                    }
                } else if (name.endsWith("SelfAttention.q.weight")) { // [4 * 12, 32]
                    int head = name.startsWith("encoder") ? 1 : 2;
                    for (int row = 0; row < 48; row++) {
                        for (int col = 0; col < 32; col++) {
                            float expected = row / 12 == head ? 0f : x[row * 32 + col];
                            assertEquals(expected, y[row * 32 + col], name + " [" + row + ", " + col + "]");
                        }
                    }
                } else {
                    assertArrayEquals(x, y, name);
                }
            }
        }
        try (T5Model model = T5Model.load(after, RuntimeOptions.CPU_FP32); NDManager m = NDManager.newBaseManager()) {
            NDArray logits = model.logits(m, List.of(new long[] {5, 9, 1}), List.of(new long[] {0, 4, 6}));
            for (float v : logits.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void refusesADecoderHeadThatLooksAhead() {
        assertThrows(IllegalArgumentException.class, () -> PositionalHeads.parse("decoder:0=1"));
        assertThrows(IllegalArgumentException.class, () -> PositionalHeads.parse("decoder0=-1"));
    }
}
