package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.StepOutput;

/**
 * A fake encoder-decoder whose next-token probabilities are chosen by a test: a Java function of
 * (prompt index, tokens generated so far). Logits are {@code ln p}, so log_softmax gives back
 * {@code ln p} and beam scores can be worked out by hand.
 */
final class ScriptedModel implements GenerativeModel {
    static final long PAD = 0;
    static final long EOS = 1;

    /** Probabilities over the vocabulary after {@code prefix} (the generated tokens) of {@code prompt}. */
    interface Script {
        double[] next(long[] prompt, List<Long> prefix);
    }

    private final int vocab;
    private final Script script;
    int forwardCalls;
    /** Positions fed by forward passes, padding included (rows x block width, summed). */
    long fedPositions;
    final List<List<Long>> fedAfterFinish = new ArrayList<>();

    ScriptedModel(int vocab, Script script) {
        this.vocab = vocab;
        this.script = script;
    }

    /**
     * A script from a table: prefix written as the token ids joined by spaces ("" for the first step)
     * -> probabilities; prefixes not in the table get {@code fallback}.
     */
    static Script table(Map<String, double[]> table, double[] fallback) {
        return (prompt, prefix) -> {
            StringBuilder key = new StringBuilder();
            for (long t : prefix) {
                key.append(key.length() == 0 ? "" : " ").append(t);
            }
            return table.getOrDefault(key.toString(), fallback);
        };
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("scripted", true, vocab, EOS, PAD, PAD, 0);
    }

    @Override
    public DecodeState begin(NDManager scope, List<long[]> promptIds) {
        return new State(promptIds);
    }

    @Override
    public void close() {}

    private final class State implements DecodeState {
        private long[][] prompts;
        private List<List<Long>> prefixes = new ArrayList<>();

        State(List<long[]> promptIds) {
            prompts = promptIds.toArray(new long[0][]);
            for (int b = 0; b < prompts.length; b++) {
                prefixes.add(new ArrayList<>());
            }
        }

        @Override
        public int rows() {
            return prompts.length;
        }

        @Override
        public StepOutput prefillStep(NDManager out) {
            return StepOutput.ofLogits(out.create(logits(), new Shape(rows(), 1, vocab)));
        }

        @Override
        public StepOutput forwardStep(NDArray tokens) {
            forwardCalls++;
            long[] ids = tokens.toLongArray();
            int n = (int) tokens.getShape().get(1);
            fedPositions += (long) rows() * n;
            float[] all = new float[rows() * n * vocab];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < rows(); r++) {
                    List<Long> prefix = prefixes.get(r);
                    if (!prefix.isEmpty() && prefix.get(prefix.size() - 1) == EOS) {
                        fedAfterFinish.add(List.of(prompts[r][0], ids[r * n + i]));
                    }
                    prefix.add(ids[r * n + i]);
                }
                float[] step = logits();
                for (int r = 0; r < rows(); r++) {
                    System.arraycopy(step, r * vocab, all, (r * n + i) * vocab, vocab);
                }
            }
            return StepOutput.ofLogits(tokens.getManager().create(all, new Shape(rows(), n, vocab)));
        }

        private float[] logits() {
            float[] out = new float[rows() * vocab];
            for (int r = 0; r < rows(); r++) {
                double[] p = script.next(prompts[r], prefixes.get(r));
                for (int v = 0; v < vocab; v++) {
                    out[r * vocab + v] = (float) Math.log(p[v]);
                }
            }
            return out;
        }

        @Override
        public void selectRows(NDArray rows) {
            long[] picked = rows.toLongArray();
            long[][] newPrompts = new long[picked.length][];
            List<List<Long>> newPrefixes = new ArrayList<>();
            for (int i = 0; i < picked.length; i++) {
                newPrompts[i] = prompts[(int) picked[i]];
                newPrefixes.add(new ArrayList<>(prefixes.get((int) picked[i])));
            }
            prompts = newPrompts;
            prefixes = newPrefixes;
        }

        @Override
        public void rollback(int[] drop) {
            for (int r = 0; r < drop.length; r++) {
                List<Long> prefix = prefixes.get(r);
                prefixes.set(r, new ArrayList<>(prefix.subList(0, prefix.size() - drop[r])));
            }
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return Arrays.deepToString(prompts) + prefixes;
        }
    }
}
