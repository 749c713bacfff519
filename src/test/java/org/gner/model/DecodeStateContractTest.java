package org.gner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.gner.model.llama.LlamaModel;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link DecodeState} promises, over the one {@link KvCache} both architectures share, run on
 * tiny random T5 (Flan, v1.0) and LLaMA (grouped-query) checkpoints: cached decoding equals the uncached
 * forward, a block equals its tokens one by one, a rollback to different lengths per row equals
 * recomputing what is kept, rows reorder and repeat, the cache grows past its first capacity with rows
 * at different lengths, and a rollback into what the first pass wrote is refused.
 */
class DecodeStateContractTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static List<Architecture> architectures;

    /** A model with its uncached reference: the logits of each row's continuation, token by token. */
    record Architecture(String name, GenerativeModel model, List<long[]> prompts, Uncached uncached) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Uncached {
        /** fp32 logits {@code [positions][vocab]} of the prefill position and each continuation token of one row. */
        float[][] logits(NDManager m, long[] prompt, long[] continuation);
    }

    @BeforeAll
    static void load() throws Exception {
        architectures = new ArrayList<>();
        List<long[]> t5Prompts = List.of(new long[] {37, 1712, 19, 1}, new long[] {8, 100, 200, 300, 400, 500, 1},
                new long[] {2018, 5, 1});
        for (TinyT5Checkpoints.Spec spec : List.of(TinyT5Checkpoints.Spec.flan(41), TinyT5Checkpoints.Spec.v1(42))) {
            Path folder = TinyT5Checkpoints.write(dir.resolve("t5-" + spec.style()), spec, TinyT5Checkpoints.Format.F32);
            T5Model t5 = T5Model.load(folder, RuntimeOptions.CPU_FP32);
            architectures.add(new Architecture("t5-" + spec.style(), t5, t5Prompts, (m, prompt, continuation) -> {
                long[] decoderInput = new long[continuation.length + 1]; // the start token, then the continuation
                System.arraycopy(continuation, 0, decoderInput, 1, continuation.length);
                return rows(t5.logits(m, List.of(prompt), List.of(decoderInput)).squeeze(0));
            }));
        }
        Path folder = TinyLlamaCheckpoints.write(dir.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        LlamaModel llama = LlamaModel.load(folder, RuntimeOptions.CPU_FP32);
        List<long[]> llamaPrompts = List.of(new long[] {1, 518, 25580, 29962, 28048},
                new long[] {1, 518, 25580, 29962, 3529, 3858, 16212, 29901, 4423}, new long[] {1, 518, 278});
        architectures.add(new Architecture("llama-gqa", llama, llamaPrompts, (m, prompt, continuation) -> {
            long[] sequence = new long[prompt.length + continuation.length];
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(continuation, 0, sequence, prompt.length, continuation.length);
            NDArray all = llama.logits(m, List.of(sequence)).squeeze(0); // [length, vocab]
            return rows(all.get("{}:", prompt.length - 1));
        }));
    }

    @AfterAll
    static void close() {
        architectures.forEach(a -> a.model().close());
    }

    static Stream<Architecture> architectures() {
        return architectures.stream();
    }

    /** A continuation per prompt, {@code length} tokens each, different per row. */
    private static long[][] continuations(int rows, int length) {
        long[][] out = new long[rows][length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                out[r][t] = 3 + (r * 7919L + t * 104729L) % 31000;
            }
        }
        return out;
    }

    /** The first {@code kept} of {@code drafted}, then all of {@code next}. */
    private static long[] keptThen(long[] drafted, int kept, long[] next) {
        long[] out = Arrays.copyOf(drafted, kept + next.length);
        System.arraycopy(next, 0, out, kept, next.length);
        return out;
    }

    private static NDArray column(NDManager m, long[][] tokens, int from, int to) {
        long[] flat = new long[tokens.length * (to - from)];
        for (int r = 0; r < tokens.length; r++) {
            System.arraycopy(tokens[r], from, flat, r * (to - from), to - from);
        }
        return m.create(flat, new Shape(tokens.length, to - from));
    }

    private static float[][] rows(NDArray logits) { // [positions, vocab]
        int positions = (int) logits.getShape().get(0);
        float[][] out = new float[positions][];
        for (int p = 0; p < positions; p++) {
            out[p] = logits.get(p).toFloatArray();
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst < TOLERANCE, what + ": max abs diff " + worst);
    }

    /** Row r's logits at block position j of a {@code [rows, n, vocab]} step. */
    private static float[] at(NDArray step, int r, int j) {
        return step.get(r, j).toFloatArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void cachedStepsAndBlocksEqualTheUncachedForward(Architecture a) {
        int rows = a.prompts().size();
        long[][] tokens = continuations(rows, 6);
        try (NDManager m = a.model().newScope(); DecodeState state = a.model().begin(m, a.prompts())) {
            NDArray prefill = state.prefillStep(m).logits(); // [rows, 1, vocab]
            NDArray one = state.forward(column(m, tokens, 0, 1)); // [rows, 1, vocab]
            NDArray block = state.forward(column(m, tokens, 1, 6)); // [rows, 5, vocab]
            for (int r = 0; r < rows; r++) {
                float[][] expected = a.uncached().logits(m, a.prompts().get(r), tokens[r]);
                assertClose(expected[0], at(prefill, r, 0), a + " row " + r + " prefill");
                assertClose(expected[1], at(one, r, 0), a + " row " + r + " token 0");
                for (int j = 0; j < 5; j++) {
                    assertClose(expected[2 + j], at(block, r, j), a + " row " + r + " block position " + j);
                }
            }
        }
    }

    /**
     * Rows roll back different numbers of drafted tokens, then feed new ones from their own lengths: the
     * logits equal those of a state that was only ever fed what was kept.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void rollbackToDifferentLengthsEqualsRecomputingWhatIsKept(Architecture a) {
        int rows = a.prompts().size();
        long[][] drafted = continuations(rows, 5);
        int[] drop = {4, 0, 2};
        long[][] next = Arrays.copyOfRange(continuations(rows + 1, 3), 1, rows + 1); // other tokens than drafted
        try (NDManager m = a.model().newScope(); DecodeState state = a.model().begin(m, a.prompts())) {
            state.prefill(m);
            state.forward(column(m, drafted, 0, 5));
            state.rollback(drop);
            NDArray after = state.forward(column(m, next, 0, 3)); // [rows, 3, vocab]
            for (int r = 0; r < rows; r++) {
                int kept = 5 - drop[r];
                float[][] expected = a.uncached().logits(m, a.prompts().get(r), keptThen(drafted[r], kept, next[r]));
                for (int j = 0; j < 3; j++) {
                    assertClose(expected[1 + kept + j], at(after, r, j), a + " row " + r + " after rollback, " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void selectRowsReordersAndRepeatsRowsStandingAtDifferentLengths(Architecture a) {
        int rows = a.prompts().size();
        long[][] drafted = continuations(rows, 3);
        int[] drop = {1, 2, 0};
        long[] order = {2, 0, 2, 1};
        long[][] next = continuations(order.length, 2);
        try (NDManager m = a.model().newScope(); DecodeState state = a.model().begin(m, a.prompts())) {
            state.prefill(m);
            state.forward(column(m, drafted, 0, 3));
            state.rollback(drop);
            state.selectRows(m.create(order));
            assertEquals(order.length, state.rows());
            NDArray after = state.forward(column(m, next, 0, 2)); // [4, 2, vocab]
            for (int i = 0; i < order.length; i++) {
                int source = (int) order[i];
                float[][] expected = a.uncached().logits(m, a.prompts().get(source),
                        keptThen(drafted[source], 3 - drop[source], next[i]));
                for (int j = 0; j < 2; j++) {
                    assertClose(expected[1 + 3 - drop[source] + j], at(after, i, j), a + " row " + i + " (was "
                            + source + "), " + j);
                }
            }
        }
    }

    /** Blocks of 7 with ragged rollbacks, past 150 tokens a row: every cache outgrows its first capacity. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void theCacheGrowsWhileRowsStandAtDifferentLengths(Architecture a) {
        int rows = a.prompts().size();
        long[][] tokens = continuations(rows, 200);
        int[] kept = new int[rows];
        try (NDManager m = a.model().newScope(); DecodeState state = a.model().begin(m, a.prompts())) {
            state.prefill(m);
            for (int pass = 0; ; pass++) {
                try (NDManager step = m.newSubManager()) {
                    long[][] block = new long[rows][];
                    for (int r = 0; r < rows; r++) {
                        block[r] = Arrays.copyOfRange(tokens[r], kept[r], kept[r] + 7);
                    }
                    NDArray logits = state.forward(column(step, block, 0, 7)); // [rows, 7, vocab]
                    if (Arrays.stream(kept).min().orElseThrow() >= 150) {
                        for (int r = 0; r < rows; r++) {
                            float[][] expected = a.uncached().logits(step, a.prompts().get(r),
                                    Arrays.copyOf(tokens[r], kept[r] + 7));
                            assertClose(expected[kept[r] + 7], at(logits, r, 6), a + " row " + r + " at "
                                    + (kept[r] + 7) + " tokens");
                        }
                        return;
                    }
                    int[] drop = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        drop[r] = (pass + r) % 3 * 2; // keep 7, 5 or 3 of the block
                        kept[r] += 7 - drop[r];
                    }
                    state.rollback(drop);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void aRollbackIntoWhatTheFirstPassWroteIsRefused(Architecture a) {
        try (NDManager m = a.model().newScope(); DecodeState state = a.model().begin(m, a.prompts())) {
            state.prefill(m);
            state.forward(column(m, continuations(3, 2), 0, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> state.rollback(new int[] {0, 3, 0}));
            assertTrue(e.getMessage().startsWith("row 1 holds"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> state.rollback(new int[] {0, -1, 0}));
            assertThrows(IllegalArgumentException.class, () -> state.rollback(new int[] {0, 0}));
            state.rollback(new int[] {2, 2, 2}); // back to the first pass: allowed
        }
    }
}
