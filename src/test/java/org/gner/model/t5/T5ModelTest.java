package org.gner.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gner.model.CheckpointFiles;
import org.gner.model.DecodeState;
import org.gner.model.ModelSpec;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.weights.Bf16;
import org.gner.model.weights.SafetensorsFile;
import org.gner.model.weights.TensorDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5ModelTest {

    @TempDir
    Path dir;

    private static final List<long[]> PROMPTS = List.of(
            new long[] {100, 2000, 31, 7, 9999, 1},
            new long[] {5, 6, 7, 1},
            new long[] {32000, 1234, 42, 43, 44, 45, 46, 1});
    /** Decoder inputs: start token then arbitrary continuations, one row per prompt. */
    private static final List<long[]> DECODER_INPUTS = List.of(
            new long[] {0, 17, 300, 4000, 21, 8, 99},
            new long[] {0, 1, 1, 5, 6, 7, 8},
            new long[] {0, 32127, 2, 3, 4, 5, 6});

    private T5Model load(Spec spec, Format format) throws IOException {
        return load(spec, format, DataType.FLOAT32);
    }

    private T5Model load(Spec spec, Format format, DataType dtype) throws IOException {
        Path folder = TinyT5Checkpoints.write(dir.resolve(spec.style() + "-" + format + "-" + spec.seed()), spec, format);
        return T5Model.load(folder, new RuntimeOptions(ai.djl.Device.cpu(), dtype));
    }

    /** Cached decoding, one token per step after prefill: fp32 [rows, tgt, vocab] as Java floats. */
    private static float[][] cachedStepByStep(T5Model model, NDManager m, List<long[]> prompts, List<long[]> inputs) {
        int tgt = inputs.get(0).length;
        List<float[]> steps = new ArrayList<>();
        try (DecodeState state = model.begin(m, prompts)) {
            steps.add(state.prefill(m).toFloatArray());
            for (int t = 1; t < tgt; t++) {
                steps.add(state.forward(column(m, inputs, t, t + 1)).toFloatArray());
            }
        }
        return interleave(steps, prompts.size(), tgt);
    }

    private static NDArray column(NDManager m, List<long[]> inputs, int from, int to) {
        long[] ids = new long[inputs.size() * (to - from)];
        for (int b = 0; b < inputs.size(); b++) {
            System.arraycopy(inputs.get(b), from, ids, b * (to - from), to - from);
        }
        return m.create(ids, new Shape(inputs.size(), to - from));
    }

    /** Per-step [rows, vocab] arrays -> per row [tgt * vocab]. */
    private static float[][] interleave(List<float[]> steps, int rows, int tgt) {
        int vocab = steps.get(0).length / rows;
        float[][] out = new float[rows][tgt * vocab];
        for (int t = 0; t < tgt; t++) {
            for (int b = 0; b < rows; b++) {
                System.arraycopy(steps.get(t), b * vocab, out[b], t * vocab, vocab);
            }
        }
        return out;
    }

    private static float[][] rowsOf(NDArray logits) {
        int rows = (int) logits.getShape().get(0);
        float[] flat = logits.toFloatArray();
        int per = flat.length / rows;
        float[][] out = new float[rows][per];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(flat, b * per, out[b], 0, per);
        }
        return out;
    }

    private static void assertClose(float[][] expected, float[][] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int b = 0; b < expected.length; b++) {
            assertEquals(expected[b].length, actual[b].length);
            double worst = 0;
            for (int i = 0; i < expected[b].length; i++) {
                worst = Math.max(worst, Math.abs(expected[b][i] - actual[b][i]));
            }
            assertTrue(worst < tolerance, "row " + b + ": max abs diff " + worst);
        }
    }

    /**
     * A block whose rows feed different numbers of tokens (drafts of different lengths, a finished row):
     * the packed step (projections over fed positions only) gives the full block's logits at every fed
     * position, and after rolling the padding back the next step agrees too (the cache holds the same
     * entries for every fed position).
     */
    @Test
    void packedBlockMatchesTheFullBlockAtFedPositions() throws IOException {
        int[] fed = {5, 2, 0};
        int[] drop = {1, 3, 4};
        try (T5Model model = load(Spec.flan(3), Format.F32); NDManager m = model.newScope();
                DecodeState packed = model.begin(m, PROMPTS); DecodeState full = model.begin(m, PROMPTS)) {
            int vocab = TinyT5Checkpoints.VOCAB;
            for (DecodeState state : List.of(packed, full)) {
                state.prefill(m);
                state.forward(column(m, DECODER_INPUTS, 1, 2));
            }
            float[] a = packed.forwardStep(column(m, DECODER_INPUTS, 2, 7), fed).logits().toFloatArray(); // [3, 5, vocab]
            float[] b = full.forwardStep(column(m, DECODER_INPUTS, 2, 7), null).logits().toFloatArray();
            for (int r = 0; r < fed.length; r++) {
                for (int j = 0; j < fed[r]; j++) {
                    int at = (r * 5 + j) * vocab;
                    assertClose(new float[][] {java.util.Arrays.copyOfRange(b, at, at + vocab)},
                            new float[][] {java.util.Arrays.copyOfRange(a, at, at + vocab)}, 1e-5);
                }
            }
            packed.rollback(drop);
            full.rollback(drop);
            NDArray next = m.create(new long[] {11, 12, 13, 14, 15, 16}, new Shape(3, 2));
            float[] c = packed.forwardStep(next, new int[] {2, 2, 0}).logits().toFloatArray(); // [3, 2, vocab]
            float[] d = full.forwardStep(next, null).logits().toFloatArray();
            // row 2 fed nothing: its cache holds padding, whose entries the packed step leaves zero
            assertClose(new float[][] {java.util.Arrays.copyOfRange(d, 0, 4 * vocab)},
                    new float[][] {java.util.Arrays.copyOfRange(c, 0, 4 * vocab)}, 1e-5);
        }
    }

    @Test
    void rightPaddedBatchMatchesEachPromptAlone() throws IOException {
        try (T5Model model = load(Spec.flan(4), Format.F32); NDManager m = model.newScope()) {
            float[][] batched = cachedStepByStep(model, m, PROMPTS, DECODER_INPUTS);
            for (int b = 0; b < PROMPTS.size(); b++) {
                float[][] alone = cachedStepByStep(model, m, List.of(PROMPTS.get(b)), List.of(DECODER_INPUTS.get(b)));
                assertClose(alone, new float[][] {batched[b]}, 1e-4);
            }
        }
    }

    @Test
    void beamStyleReordersWithinAPromptKeepEveryRowConsistent() throws IOException {
        try (T5Model model = load(Spec.v1(16), Format.F32); NDManager m = model.newScope()) {
            List<long[]> prompts = List.of(PROMPTS.get(0), PROMPTS.get(2));
            // rows after expansion: prompt 0 twice, prompt 1 twice; each row follows its own decoder inputs
            List<long[]> inputs = List.of(DECODER_INPUTS.get(0), DECODER_INPUTS.get(1), DECODER_INPUTS.get(2),
                    DECODER_INPUTS.get(1));
            List<long[]> expandedPrompts = List.of(prompts.get(0), prompts.get(0), prompts.get(1), prompts.get(1));
            float[][] reference = rowsOf(model.logits(m, expandedPrompts, inputs));
            int vocab = TinyT5Checkpoints.VOCAB;
            try (DecodeState state = model.begin(m, prompts)) {
                state.prefill(m);
                state.selectRows(m.create(new long[] {0, 0, 1, 1}));
                state.forward(column(m, inputs, 1, 3));
                state.selectRows(m.create(new long[] {1, 0, 3, 2})); // swap beams within each prompt
                List<long[]> swapped = List.of(inputs.get(1), inputs.get(0), inputs.get(3), inputs.get(2));
                float[][] after = rowsOf(state.forward(column(m, swapped, 3, 4)));
                int[] source = {1, 0, 3, 2};
                for (int r = 0; r < 4; r++) {
                    float[] expected = new float[vocab];
                    System.arraycopy(reference[source[r]], 3 * vocab, expected, 0, vocab);
                    assertClose(new float[][] {expected}, new float[][] {after[r]}, 1e-4);
                }
            }
        }
    }

    @Test
    void shardedCheckpointEqualsSingleFile() throws IOException {
        try (T5Model single = load(Spec.flan(7), Format.F32);
                T5Model sharded = load(Spec.flan(7), Format.SHARDED);
                NDManager m = NDManager.newBaseManager()) {
            assertTrue(Files.exists(dir.resolve("FLAN-SHARDED-7").resolve(CheckpointFiles.INDEX_FILE)));
            assertArrayEquals(single.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(),
                    sharded.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(), 0f);
        }
    }

    @Test
    void bf16CheckpointLoadsAsItsExactlyWidenedValues() throws IOException {
        Spec spec = Spec.flan(8);
        try (NDManager m = NDManager.newBaseManager()) {
            // the same weights rounded to bf16 in Java, then stored as F32: what widening must give back
            Map<String, NDArray> rounded = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : TinyT5Checkpoints.randomWeights(m, spec).entrySet()) {
                byte[] bf16 = Bf16.fromFloat32(e.getValue().toFloatArray());
                NDArray widened = m.create(Bf16.toFloat32(java.nio.ByteBuffer.wrap(bf16)), e.getValue().getShape(),
                        DataType.FLOAT32);
                rounded.put(e.getKey(), widened);
            }
            Path f32 = TinyT5Checkpoints.write(dir.resolve("rounded"), spec, Format.F32, rounded);
            Path bf16 = TinyT5Checkpoints.write(dir.resolve("bf16"), spec, Format.BF16);
            assertEquals(TensorDtype.BF16, SafetensorsFile.open(bf16.resolve(CheckpointFiles.SINGLE_FILE))
                    .tensors().get("shared.weight").dtype());
            try (T5Model fromF32 = T5Model.load(f32, RuntimeOptions.CPU_FP32);
                    T5Model fromBf16 = T5Model.load(bf16, RuntimeOptions.CPU_FP32)) {
                assertArrayEquals(fromF32.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(),
                        fromBf16.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void fp16WeightsRunCloseToFp32() throws IOException {
        Spec spec = Spec.flan(9);
        try (T5Model fp32 = load(spec, Format.F16, DataType.FLOAT32);
                T5Model fp16 = T5Model.load(dir.resolve("FLAN-F16-9"), new RuntimeOptions(ai.djl.Device.cpu(),
                        DataType.FLOAT16));
                NDManager m = NDManager.newBaseManager()) {
            float[] a = fp32.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
            NDArray half = fp16.logits(m, PROMPTS, DECODER_INPUTS);
            assertEquals(DataType.FLOAT32, half.getDataType());
            float[] b = half.toFloatArray();
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst < 0.1, "fp16 vs fp32 max abs diff " + worst);
            try (DecodeState state = fp16.begin(m, PROMPTS)) {
                assertEquals(DataType.FLOAT32, state.prefill(m).getDataType());
            }
        }
    }

    @Test
    void bf16ComputeIsRefusedBeforeLoading() throws IOException {
        Path folder = TinyT5Checkpoints.write(dir.resolve("bf16c"), Spec.v1(10), Format.BF16);
        var e = assertThrows(UnsupportedOperationException.class,
                () -> T5Model.load(folder, new RuntimeOptions(ai.djl.Device.cpu(), DataType.BFLOAT16)));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }

    @Test
    void tiedEmbeddingsScaleTheDecoderOutputByInverseSqrtDModel() throws IOException {
        Spec spec = Spec.v1(11);
        double scale = Math.pow(spec.dModel(), -0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tied = TinyT5Checkpoints.randomWeights(m, spec);
            Path tiedDir = TinyT5Checkpoints.write(dir.resolve("tied"), spec, Format.F32, tied);
            // untied copies: lm_head = shared * d^-0.5 must reproduce the tied model; lm_head = shared must not
            Path scaledDir = untied(dir.resolve("scaled"), spec, tied, tied.get("shared.weight").mul(scale));
            Path plainDir = untied(dir.resolve("plain"), spec, tied, tied.get("shared.weight"));
            try (T5Model tiedModel = T5Model.load(tiedDir, RuntimeOptions.CPU_FP32);
                    T5Model scaled = T5Model.load(scaledDir, RuntimeOptions.CPU_FP32);
                    T5Model plain = T5Model.load(plainDir, RuntimeOptions.CPU_FP32)) {
                assertTrue(tiedModel.config().tieWordEmbeddings());
                float[] t = tiedModel.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
                float[] s = scaled.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
                float[] p = plain.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray();
                for (int i = 0; i < t.length; i += 997) {
                    assertEquals(t[i], s[i], 1e-4 * Math.max(1, Math.abs(t[i])));
                    assertEquals(t[i], p[i] * scale, 1e-4 * Math.max(1, Math.abs(t[i])));
                }
            }
        }
    }

    private static Path untied(Path folder, Spec spec, Map<String, NDArray> weights, NDArray lmHead)
            throws IOException {
        Map<String, NDArray> untied = new LinkedHashMap<>(weights);
        untied.put("lm_head.weight", lmHead);
        TinyT5Checkpoints.write(folder, spec, Format.F32, untied);
        var config = TinyT5Checkpoints.config(spec).put("tie_word_embeddings", false);
        Files.writeString(folder.resolve("config.json"), config.toString());
        return folder;
    }

    @Test
    void aTensorWithTheWrongShapeIsNamedBeforeAnythingLoads() throws IOException {
        Spec spec = Spec.flan(12);
        String bad = "decoder.block.1.layer.1.EncDecAttention.k.weight";
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = TinyT5Checkpoints.randomWeights(m, spec);
            weights.put(bad, TinyT5Checkpoints.normal(m, new SplittableRandom(1), 0.1, 47, spec.dModel()));
            Path folder = TinyT5Checkpoints.write(dir.resolve("bad"), spec, Format.F32, weights);
            var e = assertThrows(IllegalArgumentException.class, () -> T5Model.load(folder, RuntimeOptions.CPU_FP32));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("[47, 32]"), e.getMessage());

            weights.remove("lm_head.weight");
            Path missing = TinyT5Checkpoints.write(dir.resolve("missing"), spec, Format.F32, weights);
            e = assertThrows(IllegalArgumentException.class, () -> T5Model.load(missing, RuntimeOptions.CPU_FP32));
            assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
        }
    }

    @Test
    void embedTokensCopiesInTheCheckpointAreIgnoredInFavourOfShared() throws IOException {
        Spec spec = Spec.flan(13);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = TinyT5Checkpoints.randomWeights(m, spec);
            Path plain = TinyT5Checkpoints.write(dir.resolve("plain"), spec, Format.F32, weights);
            Map<String, NDArray> withCopies = new LinkedHashMap<>(weights);
            NDArray junk = TinyT5Checkpoints.normal(m, new SplittableRandom(2), 1, TinyT5Checkpoints.VOCAB, spec.dModel());
            withCopies.put("encoder.embed_tokens.weight", junk);
            withCopies.put("decoder.embed_tokens.weight", junk);
            Path copies = TinyT5Checkpoints.write(dir.resolve("copies"), spec, Format.F32, withCopies);
            try (T5Model a = T5Model.load(plain, RuntimeOptions.CPU_FP32);
                    T5Model b = T5Model.load(copies, RuntimeOptions.CPU_FP32)) {
                assertArrayEquals(a.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(),
                        b.logits(m, PROMPTS, DECODER_INPUTS).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void decodingLeavesNoArraysBehindInTheScope() throws IOException {
        try (T5Model model = load(Spec.flan(14), Format.F32); NDManager scope = model.newScope()) {
            int before = scope.getManagedArrays().size();
            try (DecodeState state = model.begin(scope, PROMPTS)) {
                try (NDManager step = scope.newSubManager()) {
                    state.prefill(step);
                }
                int afterPrefill = scope.getManagedArrays().size();
                for (int t = 0; t < 70; t++) { // crosses the cache's initial capacity
                    try (NDManager step = scope.newSubManager()) {
                        state.forward(step.create(new long[] {5, 6, 7}, new Shape(3, 1)));
                        state.selectRows(step.create(new long[] {1, 2, 0}));
                    }
                }
                assertEquals(afterPrefill, scope.getManagedArrays().size());
            }
            assertEquals(before, scope.getManagedArrays().size());
        }
    }

    @Test
    void specDescribesAnEncoderDecoder() throws IOException {
        try (T5Model model = load(Spec.v1(15), Format.F32)) {
            ModelSpec spec = model.spec();
            assertEquals("t5", spec.architecture());
            assertTrue(spec.encoderDecoder());
            assertEquals(TinyT5Checkpoints.VOCAB, spec.vocabSize());
            assertEquals(1, spec.eosTokenId());
            assertEquals(0, spec.padTokenId());
            assertEquals(0, spec.decoderStartTokenId());
        }
    }
}
