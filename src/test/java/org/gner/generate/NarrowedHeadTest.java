package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gner.data.GnerRecord;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.StepOutput;
import org.gner.model.llama.LlamaModel;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.PromptBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Constrained greedy decoding reads only the allowed tokens' logits (the narrowed head) and picks
 * exactly what it picks from the full head: token for token, on tiny random T5 (Flan, v1.0) and LLaMA
 * checkpoints, at batch 1 and 4, drafts on and off, with and without an O bias. The narrowed scores
 * agree with the full logits within the bounds they report.
 */
class NarrowedHeadTest {
    private static final int MAX_NEW = 400;

    @TempDir
    static Path dir;
    private static List<GnerRecord> records;

    @BeforeAll
    static void readRecords() {
        records = GuidedDecodingTest.shortRecords();
    }

    private record Subject(GenerativeModel model, ModelTokenizer tokenizer, boolean llama) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    private static List<Subject> subjects() throws Exception {
        List<Subject> out = new ArrayList<>();
        for (TinyT5Checkpoints.Spec spec : List.of(TinyT5Checkpoints.Spec.flan(21), TinyT5Checkpoints.Spec.v1(22))) {
            Path folder = TinyT5Checkpoints.write(dir.resolve("t5-" + spec.style()), spec, TinyT5Checkpoints.Format.F32);
            out.add(new Subject(T5Model.load(folder, RuntimeOptions.CPU_FP32), ModelTokenizer.load(folder), false));
        }
        Path folder = TinyLlamaCheckpoints.write(dir.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        out.add(new Subject(LlamaModel.load(folder, RuntimeOptions.CPU_FP32), ModelTokenizer.load(folder), true));
        return out;
    }

    @Test
    void narrowedHeadPicksExactlyAsTheFullHead() throws Exception {
        for (Subject s : subjects()) {
            try (s) {
                for (int batch : new int[] {1, 4}) {
                    List<long[]> prompts = new ArrayList<>();
                    List<OutputAutomaton> automata = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        GnerRecord r = records.get(i);
                        String prompt = s.llama() ? PromptBuilder.llama(r.instructionInputs()) : r.instructionInputs();
                        prompts.add(s.tokenizer().encode(prompt));
                        automata.add(OutputAutomaton.build(r.instance().words(), r.labelList(),
                                s.tokenizer()::encodeBatchWithoutSpecial, s.model().spec().eosTokenId()));
                    }
                    for (Guidance.Draft draft : Guidance.Draft.values()) {
                        for (double oBias : new double[] {0, 0.7}) {
                            Guidance guidance = new Guidance(Guidance.Decoding.CONSTRAINED, draft, 8, true, oBias);
                            Watched narrowed = new Watched(s.model(), false);
                            Watched full = new Watched(s.model(), true);
                            List<Generated> a = new Generator().generate(narrowed, prompts,
                                    GenerationConfig.greedy(MAX_NEW), automata, guidance);
                            List<Generated> b = new Generator().generate(full, prompts,
                                    GenerationConfig.greedy(MAX_NEW), automata, guidance);
                            String what = s.model().spec().architecture() + " batch " + batch + " draft " + draft
                                    + " o-bias " + oBias;
                            for (int r = 0; r < batch; r++) {
                                assertArrayEquals(b.get(r).tokens(), a.get(r).tokens(), what + " row " + r);
                            }
                            // the narrowed run computed the full head rarely (near ties only), never for every pass
                            assertTrue(narrowed.fullHeads < narrowed.passes / 2, what + ": full head in "
                                    + narrowed.fullHeads + " of " + narrowed.passes + " passes");
                        }
                    }
                }
            }
        }
    }

    @Test
    void narrowedScoresAreTheFullLogitsWithinTheirBounds() throws Exception {
        for (Subject s : subjects()) {
            try (s; NDManager scope = s.model().newScope()) {
                List<long[]> prompts = List.of(s.tokenizer().encode("first prompt"), s.tokenizer().encode("a second, longer prompt here"));
                try (DecodeState state = s.model().begin(scope, prompts)) {
                    state.prefillStep(scope);
                    StepOutput output = state.forwardStep(scope.create(new long[] {5, 6, 7, 8, 9, 10}, new Shape(2, 3)));
                    long[][] candidates = new long[6][];
                    for (int p = 0; p < 6; p++) {
                        candidates[p] = p == 2 ? null : p == 4 ? new long[] {42} : new long[] {3, 17 + p, 250, 1000 + p * 7, 4};
                    }
                    StepOutput.Candidates narrowed = output.candidates(candidates);
                    assertTrue(!output.fullHeadComputed(), "candidates alone do not apply the full head");
                    float[] logits = output.logits().toFloatArray(); // [2, 3, vocab]
                    int vocab = logits.length / 6;
                    for (int p = 0; p < 6; p++) {
                        if (candidates[p] == null || candidates[p].length < 2) {
                            assertEquals(null, narrowed.scores()[p], "no scores where nothing is chosen");
                            continue;
                        }
                        for (int i = 0; i < candidates[p].length; i++) {
                            float full = logits[p * vocab + (int) candidates[p][i]];
                            float diff = Math.abs(full - narrowed.scores()[p][i]);
                            assertTrue(diff <= narrowed.bounds()[p][i], "position " + p + " id " + candidates[p][i]
                                    + ": " + diff + " > bound " + narrowed.bounds()[p][i]);
                            assertTrue(narrowed.bounds()[p][i] < 1e-3, "bound " + narrowed.bounds()[p][i]);
                        }
                    }
                }
            }
        }
    }

    /** Counts passes and full-head uses; with {@code full}, every pass's output is the full logits. */
    private static final class Watched implements GenerativeModel {
        private final GenerativeModel inner;
        private final boolean full;
        private final List<StepOutput> outputs = new ArrayList<>();
        int passes;
        int fullHeads;

        Watched(GenerativeModel inner, boolean full) {
            this.inner = inner;
            this.full = full;
        }

        @Override
        public ModelSpec spec() {
            return inner.spec();
        }

        @Override
        public NDManager newScope() {
            return inner.newScope();
        }

        private StepOutput watch(StepOutput output) {
            passes++;
            if (full) {
                return StepOutput.ofLogits(output.logits());
            }
            outputs.add(output);
            return output;
        }

        private void count() {
            for (StepOutput o : outputs) {
                fullHeads += o.fullHeadComputed() ? 1 : 0;
            }
            outputs.clear();
        }

        @Override
        public DecodeState begin(NDManager scope, List<long[]> promptIds) {
            DecodeState state = inner.begin(scope, promptIds);
            return new DecodeState() {
                public int rows() {
                    return state.rows();
                }

                public StepOutput prefillStep(NDManager out) {
                    count();
                    return watch(state.prefillStep(out));
                }

                public StepOutput forwardStep(NDArray tokens) {
                    count();
                    return watch(state.forwardStep(tokens));
                }

                public StepOutput forwardStep(NDArray tokens, int[] fed) {
                    count();
                    return watch(state.forwardStep(tokens, fed));
                }

                public void selectRows(NDArray rows) {
                    state.selectRows(rows);
                }

                public void rollback(int[] drop) {
                    count();
                    state.rollback(drop);
                }

                public void close() {
                    count();
                    state.close();
                }
            };
        }

        @Override
        public void close() {}
    }
}
