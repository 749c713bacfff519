package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gner.model.DecodeState;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.GnerExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model being trained decodes with its current weights: after optimizer steps, cached decoding with
 * rows at different lengths (what speculative drafts leave behind, e.g. the dev F1 during training)
 * gives the teacher-forced logits of each row's own prefix. The per-row position bias once read the
 * relative-bias table as loaded, so a trained model's drafted batches decoded with its initial bias.
 */
class DecodingAfterTrainingStepsTest {
    private static final List<long[]> PROMPTS = List.of(
            new long[] {5, 9, 13, 2, 40, 1},
            new long[] {7, 8, 1},
            new long[] {30, 31, 32, 33, 34, 35, 36, 1});
    /** Decoder inputs: start token, then 6 tokens per row. */
    private static final List<long[]> INPUTS = List.of(
            new long[] {0, 17, 30, 40, 21, 8, 9},
            new long[] {0, 11, 12, 5, 6, 7, 8},
            new long[] {0, 41, 2, 3, 4, 5, 6});

    @TempDir
    Path tmp;

    @Test
    void rowsAtDifferentLengthsDecodeWithTheTrainedWeights() throws Exception {
        Path start = TinyTrainingSetup.model(tmp.resolve("start"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 1, 2, 1), true, false, 3, 48);
        try (T5Model model = T5Model.loadForTraining(start, Device.cpu())) {
            Map<String, NDArray> parameters = model.parameters();
            try (NDManager scope = model.newScope(); AdamW optimizer = new AdamW(scope, parameters, 0.0)) {
                List<TokenizedExample> batch = new ArrayList<>();
                GnerExample dummy = new GnerExample("t", "train", "0", List.of("x"), List.of("O"), List.of("t"), "p",
                        "x(O)");
                for (int b = 0; b < PROMPTS.size(); b++) {
                    long[] target = java.util.Arrays.copyOfRange(INPUTS.get(b), 1, INPUTS.get(b).length);
                    batch.add(new TokenizedExample(dummy, PROMPTS.get(b), target));
                }
                for (int s = 0; s < 5; s++) { // large steps: the bias table moves far from its loaded values
                    try (NDManager step = model.newScope(); GradientCollector c =
                            Engine.getInstance().newGradientCollector()) {
                        c.backward(TeacherForcing.meanLoss(model, step, batch));
                    }
                    optimizer.step(parameters, 5e-2, 1.0);
                }
            }
            try (NDManager m = model.newScope()) {
                float[] expected = model.logits(m, PROMPTS, INPUTS).toFloatArray(); // [rows, 7, vocab]
                int vocab = 48;
                int tgt = INPUTS.get(0).length;
                try (DecodeState state = model.begin(m, PROMPTS)) {
                    state.prefill(m);
                    state.forward(block(m, 1, 5)); // positions 1..4 of every row
                    int[] lengths = {2, 5, 3}; // cached tokens per row after the rollback
                    state.rollback(new int[] {3, 0, 2});
                    for (int step = 0; step < 2; step++) {
                        long[] next = new long[PROMPTS.size()];
                        for (int b = 0; b < next.length; b++) {
                            next[b] = INPUTS.get(b)[lengths[b]];
                        }
                        NDArray logits = state.forward(m.create(next, new Shape(next.length, 1))); // [rows, 1, vocab]
                        for (int b = 0; b < next.length; b++) {
                            float[] row = logits.get(new NDIndex("{}, 0, :", b)).toFloatArray();
                            int at = (b * tgt + lengths[b]) * vocab;
                            double worst = 0;
                            for (int v = 0; v < vocab; v++) {
                                worst = Math.max(worst, Math.abs(row[v] - expected[at + v]));
                            }
                            assertTrue(worst < 1e-4, "row " + b + " at position " + lengths[b] + ": max abs diff " + worst);
                            lengths[b]++;
                        }
                    }
                }
            }
        }
    }

    private static NDArray block(NDManager m, int from, int to) {
        long[] ids = new long[INPUTS.size() * (to - from)];
        for (int b = 0; b < INPUTS.size(); b++) {
            System.arraycopy(INPUTS.get(b), from, ids, b * (to - from), to - from);
        }
        return m.create(ids, new Shape(INPUTS.size(), to - from));
    }
}
