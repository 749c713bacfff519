package org.gner.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.gner.model.CheckpointFiles;
import org.gner.model.DecodeState;
import org.gner.model.ModelSpec;
import org.gner.model.RuntimeOptions;
import org.gner.model.llama.TinyLlamaCheckpoints.Format;
import org.gner.model.llama.TinyLlamaCheckpoints.Spec;
import org.gner.model.llama.TinyLlamaCheckpoints.Tensor;
import org.gner.model.weights.WeightStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {
    private static final float TOLERANCE = 1e-4f;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static LlamaModel model;
    private static List<long[]> prompts;

    @BeforeAll
    static void loadTinyGqaModel() throws IOException {
        Path checkpoint = TinyLlamaCheckpoints.write(shared.resolve("gqa"), Spec.gqa(), Format.F32);
        model = LlamaModel.load(checkpoint, RuntimeOptions.CPU_FP32);
        // Prompts of different lengths starting with <s>. (Fixed ids: DJL's tokenizers 0.21 cannot
        // parse the shared LLaMA tokenizer.json, whose merges hold pairs with literal spaces.)
        prompts = List.of(
                new long[] {1, 518, 25580, 29962, 28048},
                new long[] {1, 518, 25580, 29962, 3529, 3858, 16212, 29901, 4423, 29892, 2022, 29889, 317, 10760,
                    29901, 838, 273, 323, 29962},
                new long[] {1, 518, 25580, 29962, 278, 14064, 471, 1781, 518});
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void specDescribesADecoderOnlyLlama() {
        ModelSpec spec = model.spec();
        assertEquals("llama", spec.architecture());
        assertFalse(spec.encoderDecoder());
        assertEquals(-1, spec.decoderStartTokenId());
        assertEquals(2048, spec.maxPositions());
        assertEquals(32000, spec.vocabSize());
        assertEquals(2, spec.eosTokenId());
        assertEquals(0, spec.padTokenId());
    }

    @Test
    void leftPaddedBatchMatchesEachPromptAlone() {
        int steps = 8;
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> batchLogits = new ArrayList<>();
            long[][] batchTokens;
            try (DecodeState state = model.begin(m, prompts)) {
                batchTokens = greedy(m, state, steps, batchLogits);
            }
            for (int r = 0; r < prompts.size(); r++) {
                List<NDArray> aloneLogits = new ArrayList<>();
                try (DecodeState alone = model.begin(m, List.of(prompts.get(r)))) {
                    long[][] tokens = greedy(m, alone, steps, aloneLogits);
                    assertArrayEquals(tokens[0], batchTokens[r], "greedy tokens of prompt " + r);
                }
                for (int s = 0; s < steps; s++) {
                    assertClose(aloneLogits.get(s), batchLogits.get(s).get("{}:{}", r, r + 1));
                }
            }
            // the random model is not degenerate: continuations vary within and across prompts
            assertTrue(new HashSet<>(Arrays.asList(box(batchTokens[1]))).size() > 2, Arrays.toString(batchTokens[1]));
            assertFalse(Arrays.equals(batchTokens[0], batchTokens[2]));
        }
    }

    @Test
    void uncachedForwardIsPaddingInvariantToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = model.logits(m, prompts); // [3, longest, vocab]
            int longest = Math.toIntExact(batch.getShape().get(1));
            for (int r = 0; r < prompts.size(); r++) {
                int pads = longest - prompts.get(r).length;
                NDArray alone = model.logits(m, List.of(prompts.get(r))); // [1, length, vocab]
                assertClose(alone, batch.get("{}:{}, {}:", r, r + 1, pads));
            }
        }
    }

    @Test
    void positionIdsCountFromEachRowsFirstRealToken() {
        int[] pads = {2, 0};
        // prefill of 4 columns: padding positions read 1, as HF's masked_fill_(mask == 0, 1) leaves them
        assertArrayEquals(new long[] {1, 1, 0, 1, 0, 1, 2, 3}, LlamaModel.positionIds(pads, 0, 4, 2048));
        // two more tokens after those 4
        assertArrayEquals(new long[] {2, 3, 4, 5}, LlamaModel.positionIds(pads, 4, 2, 2048));
    }

    @Test
    void decodingStepsLeaveNoArraysBehind() {
        int weightArrays = managedArrays(model.weightsManager());
        try (NDManager m = NDManager.newBaseManager(); DecodeState state = model.begin(m, prompts)) {
            try (NDManager step = m.newSubManager()) {
                state.prefill(step);
            }
            int afterPrefill = managedArrays(m);
            for (int i = 0; i < 3; i++) {
                try (NDManager step = m.newSubManager()) {
                    state.forward(step.create(new long[] {5, 6, 7}, new Shape(3, 1)));
                }
                assertEquals(afterPrefill, managedArrays(m), "arrays held by the caller's scope after step " + i);
            }
            state.selectRows(m.create(new long[] {0, 0, 1}));
            assertEquals(afterPrefill + 1, managedArrays(m), "only the row index itself was added");
        }
        assertEquals(weightArrays, managedArrays(model.weightsManager()));
    }

    private static int managedArrays(NDManager manager) {
        return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
    }

    @Test
    void rotaryPairsDimensionIWithIPlusHalf() {
        int position = 3;
        double theta = 10000;
        float[] x = {1, 2, 3, 4};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] tables = LlamaModel.rotaryTables(m, 4, theta, 8);
            NDArray rotated = LlamaModel.applyRotary(m.create(x, new Shape(1, 4)),
                    tables[0].get("{}:{}", position, position + 1), tables[1].get("{}:{}", position, position + 1));
            // inv_freq = 1 / theta^(2i/d): angles 3 * 1 for the pair (0, 2), 3 * 0.01 for the pair (1, 3)
            double a0 = position * 1.0;
            double a1 = position / Math.pow(theta, 0.5);
            float[] expected = {
                (float) (x[0] * Math.cos(a0) - x[2] * Math.sin(a0)),
                (float) (x[1] * Math.cos(a1) - x[3] * Math.sin(a1)),
                (float) (x[2] * Math.cos(a0) + x[0] * Math.sin(a0)),
                (float) (x[3] * Math.cos(a1) + x[1] * Math.sin(a1)),
            };
            assertArrayEquals(expected, rotated.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKeyValueHeads() throws IOException {
        Spec gqa = Spec.gqa();
        Spec mha = gqa.withKvHeads(gqa.heads());
        Map<String, Tensor> weights = TinyLlamaCheckpoints.randomWeights(gqa);
        Map<String, Tensor> repeated = new java.util.LinkedHashMap<>(weights);
        int group = gqa.heads() / gqa.kvHeads();
        int rowsPerHead = gqa.headDim() * gqa.hidden();
        for (String name : weights.keySet()) {
            if (name.endsWith("k_proj.weight") || name.endsWith("v_proj.weight")) {
                float[] kv = weights.get(name).values();
                float[] mhaValues = new float[gqa.heads() * rowsPerHead];
                for (int h = 0; h < gqa.heads(); h++) {
                    System.arraycopy(kv, (h / group) * rowsPerHead, mhaValues, h * rowsPerHead, rowsPerHead);
                }
                repeated.put(name, new Tensor(new long[] {gqa.heads() * gqa.headDim(), gqa.hidden()}, mhaValues));
            }
        }
        Path mhaDir = TinyLlamaCheckpoints.write(dir.resolve("mha"), TinyLlamaCheckpoints.config(mha), repeated,
                Format.F32);
        try (LlamaModel mhaModel = LlamaModel.load(mhaDir, RuntimeOptions.CPU_FP32);
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(4, mhaModel.config().numKeyValueHeads());
            assertClose(model.logits(m, prompts), mhaModel.logits(m, prompts));
        }
    }

    @Test
    void shardedCheckpointEqualsSingleFile() throws IOException {
        Path sharded = TinyLlamaCheckpoints.write(dir.resolve("sharded"), Spec.gqa(), Format.SHARDED_F32);
        assertTrue(sharded.resolve(CheckpointFiles.INDEX_FILE).toFile().isFile());
        try (LlamaModel shardedModel = LlamaModel.load(sharded, RuntimeOptions.CPU_FP32);
                NDManager m = NDManager.newBaseManager()) {
            assertClose(model.logits(m, prompts), shardedModel.logits(m, prompts), 0f);
        }
    }

    @Test
    void halfPrecisionFilesLoadToTheSameValues() throws IOException {
        for (Format half : List.of(Format.BF16, Format.F16)) {
            Map<String, Tensor> weights = TinyLlamaCheckpoints.roundedTo(TinyLlamaCheckpoints.randomWeights(Spec.gqa()), half);
            var config = TinyLlamaCheckpoints.config(Spec.gqa());
            Path halfDir = TinyLlamaCheckpoints.write(dir.resolve(half.name()), config, weights, half);
            Path f32Dir = TinyLlamaCheckpoints.write(dir.resolve(half + "-as-f32"), config, weights, Format.F32);
            assertEquals(half.name(), WeightStore.open(halfDir).info("lm_head.weight").dtype().name());
            try (LlamaModel halfModel = LlamaModel.load(halfDir, RuntimeOptions.CPU_FP32);
                    LlamaModel f32Model = LlamaModel.load(f32Dir, RuntimeOptions.CPU_FP32);
                    NDManager m = NDManager.newBaseManager()) {
                assertClose(f32Model.logits(m, prompts), halfModel.logits(m, prompts), 0f);
            }
        }
    }

    @Test
    void fp16ComputeStaysCloseToFp32() throws IOException {
        Path checkpoint = TinyLlamaCheckpoints.write(dir.resolve("fp16"), Spec.gqa(), Format.F16);
        try (LlamaModel half = LlamaModel.load(checkpoint, new RuntimeOptions(ai.djl.Device.cpu(), DataType.FLOAT16));
                LlamaModel full = LlamaModel.load(checkpoint, RuntimeOptions.CPU_FP32);
                NDManager m = NDManager.newBaseManager();
                DecodeState halfState = half.begin(m, prompts);
                DecodeState fullState = full.begin(m, prompts)) {
            NDArray h = halfState.prefill(m);
            NDArray f = fullState.prefill(m);
            assertEquals(DataType.FLOAT32, h.getDataType());
            float diff = h.sub(f).abs().max().getFloat();
            assertTrue(diff < 0.1f, "fp16 vs fp32 logits differ by " + diff);
        }
    }

    @Test
    void shapeMismatchNamesTheTensor() throws IOException {
        Spec spec = Spec.gqa();
        Map<String, Tensor> weights = TinyLlamaCheckpoints.randomWeights(spec);
        String name = "model.layers.1.mlp.up_proj.weight";
        weights.put(name, new Tensor(new long[] {spec.intermediate() + 1, spec.hidden()},
                new float[(spec.intermediate() + 1) * spec.hidden()]));
        Path bad = TinyLlamaCheckpoints.write(dir.resolve("bad"), TinyLlamaCheckpoints.config(spec), weights, Format.F32);
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(bad, RuntimeOptions.CPU_FP32));
        assertTrue(e.getMessage().contains(name + " has shape [97, 64]"), e.getMessage());
    }

    @Test
    void bf16ComputeIsRefused() {
        Path anywhere = dir;
        var e = assertThrows(UnsupportedOperationException.class,
                () -> LlamaModel.load(anywhere, new RuntimeOptions(ai.djl.Device.cpu(), DataType.BFLOAT16)));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }

    @Test
    void promptsBeyondMaxPositionsAreRejected() {
        try (NDManager m = NDManager.newBaseManager();
                DecodeState state = model.begin(m, List.of(new long[2049]))) {
            var e = assertThrows(IllegalArgumentException.class, () -> state.prefill(m));
            assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Greedy decoding over the contract: prefill, argmax, feed it back; records each step's logits. */
    static long[][] greedy(NDManager m, DecodeState state, int steps, List<NDArray> logitsPerStep) {
        long[][] tokens = new long[state.rows()][steps];
        NDArray logits = state.prefill(m); // [rows, vocab]
        for (int s = 0; s < steps; s++) {
            logitsPerStep.add(logits);
            long[] next = logits.argMax(1).toLongArray();
            for (int r = 0; r < next.length; r++) {
                tokens[r][s] = next[r];
            }
            NDArray fed = m.create(next, new Shape(next.length, 1));
            logits = state.forward(fed).squeeze(1); // [rows, vocab]
        }
        return tokens;
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        assertClose(expected, actual, TOLERANCE);
    }

    private static void assertClose(NDArray expected, NDArray actual, float tolerance) {
        long[] e = expected.getShape().getShape();
        long[] a = actual.getShape().getShape();
        assertEquals(expected.size(), actual.size(), Arrays.toString(e) + " vs " + Arrays.toString(a));
        float[] x = expected.toFloatArray();
        float[] y = actual.toFloatArray();
        float worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        assertTrue(worst <= tolerance, "max abs diff " + worst + " > " + tolerance);
    }

    private static long[] flatten(long[][] rows) {
        return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
    }

    private static Long[] box(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }
}
