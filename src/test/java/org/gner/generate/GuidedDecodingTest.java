package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.llama.LlamaModel;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.PromptBuilder;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Speculative decoding is lossless and constrained decoding does what it says, on tiny random
 * T5 (Flan and v1.0) and LLaMA checkpoints with the real tokenizers, at batch 1 and 4.
 */
class GuidedDecodingTest {
    private static final int MAX_NEW = 24;
    /** Top-2 logit margin below which a block pass and a one-token step may round to different picks. */
    private static final float NEAR_TIE = 1e-4f;

    @TempDir
    static Path dir;
    private static List<GnerRecord> records;

    @BeforeAll
    static void readRecords() {
        records = shortRecords();
    }

    /** Four sentences of at most 12 words from the shared zero-shot test sample. */
    static List<GnerRecord> shortRecords() {
        List<GnerRecord> out = GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/zero-shot-test-100.jsonl"))
                .stream().filter(r -> r.instance().words().size() <= 12).limit(4).toList();
        assertEquals(4, out.size());
        return out;
    }

    /** A model under test, with uncached reference logits for margin checks. */
    private interface Subject extends AutoCloseable {
        GenerativeModel model();

        ModelTokenizer tokenizer();

        String prompt(GnerRecord r);

        /** fp32 logits of the next token after {@code generated} (uncached, one prompt). */
        float[] referenceLogits(long[] prompt, long[] generated);

        @Override
        void close();
    }

    private static Subject t5(TinyT5Checkpoints.Spec spec, String name) throws Exception {
        Path folder = TinyT5Checkpoints.write(dir.resolve(name), spec, TinyT5Checkpoints.Format.F32);
        T5Model model = T5Model.load(folder, RuntimeOptions.CPU_FP32);
        ModelTokenizer tokenizer = ModelTokenizer.load(folder);
        return new Subject() {
            public GenerativeModel model() {
                return model;
            }

            public ModelTokenizer tokenizer() {
                return tokenizer;
            }

            public String prompt(GnerRecord r) {
                return r.instructionInputs();
            }

            public float[] referenceLogits(long[] prompt, long[] generated) {
                long[] input = new long[generated.length + 1];
                input[0] = model.config().decoderStartTokenId();
                System.arraycopy(generated, 0, input, 1, generated.length);
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray logits = model.logits(m, List.of(prompt), List.of(input)); // [1, len, vocab]
                    return logits.get(new NDIndex(0, generated.length)).toFloatArray();
                }
            }

            public void close() {
                model.close();
                tokenizer.close();
            }
        };
    }

    private static Subject llama() throws Exception {
        Path folder = TinyLlamaCheckpoints.write(dir.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        LlamaModel model = LlamaModel.load(folder, RuntimeOptions.CPU_FP32);
        ModelTokenizer tokenizer = ModelTokenizer.load(folder);
        return new Subject() {
            public GenerativeModel model() {
                return model;
            }

            public ModelTokenizer tokenizer() {
                return tokenizer;
            }

            public String prompt(GnerRecord r) {
                return PromptBuilder.llama(r.instructionInputs());
            }

            public float[] referenceLogits(long[] prompt, long[] generated) {
                long[] all = new long[prompt.length + generated.length];
                System.arraycopy(prompt, 0, all, 0, prompt.length);
                System.arraycopy(generated, 0, all, prompt.length, generated.length);
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray logits = model.logits(m, List.of(all)); // [1, len, vocab]
                    return logits.get(new NDIndex(0, all.length - 1)).toFloatArray();
                }
            }

            public void close() {
                model.close();
                tokenizer.close();
            }
        };
    }

    private static List<Subject> subjects() throws Exception {
        return List.of(t5(TinyT5Checkpoints.Spec.flan(11), "flan"), t5(TinyT5Checkpoints.Spec.v1(12), "v1"), llama());
    }

    private static List<long[]> prompts(Subject s, int n) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.tokenizer().encode(s.prompt(records.get(i))));
        }
        return out;
    }

    private static List<OutputAutomaton> automata(Subject s, int n) {
        List<OutputAutomaton> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GnerRecord r = records.get(i);
            out.add(OutputAutomaton.build(r.instance().words(), r.labelList(), s.tokenizer()::encodeBatchWithoutSpecial,
                    s.model().spec().eosTokenId()));
        }
        return out;
    }

    /** Same tokens, except that a difference must sit at a near-tie of the reference logits. */
    private static void assertSameOrNearTie(Subject s, long[] prompt, long[] expected, long[] actual, String what) {
        int n = Math.min(expected.length, actual.length);
        for (int t = 0; t < n; t++) {
            if (expected[t] != actual[t]) {
                float[] logits = s.referenceLogits(prompt, Arrays.copyOf(expected, t));
                float margin = Math.abs(logits[(int) expected[t]] - logits[(int) actual[t]]);
                assertTrue(margin < NEAR_TIE, what + ": differs at token " + t + " with a logit margin of " + margin);
                return;
            }
        }
        assertEquals(expected.length, actual.length, what + ": lengths");
    }

    @Test
    void draftsOnGivePlainGreedyTokensAtBatch1And4() throws Exception {
        for (Subject s : subjects()) {
            try (s) {
                for (int batch : new int[] {1, 4}) {
                    List<long[]> prompts = prompts(s, batch);
                    List<long[]> plain = new Generator().generate(s.model(), prompts, GenerationConfig.greedy(MAX_NEW));
                    for (int k : new int[] {1, 4, 8}) {
                        // GNER-structured drafts (the real words: a random model rejects most of them)
                        List<Generated> drafted = new Generator().generate(s.model(), prompts,
                                GenerationConfig.greedy(MAX_NEW), automata(s, batch),
                                new Guidance(Guidance.Decoding.FREE, Guidance.Draft.INPUT, k, true));
                        for (int b = 0; b < batch; b++) {
                            assertSameOrNearTie(s, prompts.get(b), plain.get(b), drafted.get(b).tokens(),
                                    s.model().spec().architecture() + " batch " + batch + " k " + k + " row " + b);
                        }
                    }
                    // drafts that are (mostly) the model's own output: accepted, partly rejected mid-word
                    List<OutputAutomaton> own = new ArrayList<>();
                    for (long[] p : plain) {
                        own.add(ownOutputAutomaton(p, s.model().spec().eosTokenId()));
                    }
                    List<Generated> drafted = new Generator().generate(s.model(), prompts,
                            GenerationConfig.greedy(MAX_NEW), own,
                            new Guidance(Guidance.Decoding.FREE, Guidance.Draft.INPUT, 6, true));
                    for (int b = 0; b < batch; b++) {
                        assertSameOrNearTie(s, prompts.get(b), plain.get(b), drafted.get(b).tokens(),
                                "own drafts, batch " + batch + " row " + b);
                        assertTrue(drafted.get(b).acceptedDrafts() > 0, "some drafts accepted");
                        assertTrue(drafted.get(b).decoderPasses() < plain.get(b).length,
                                drafted.get(b).decoderPasses() + " passes for " + plain.get(b).length + " tokens");
                    }
                }
            }
        }
    }

    /**
     * An automaton whose words spell {@code output} in chunks of 3 tokens as their O label (every
     * third word's spelling corrupted at its second token, so drafts are rejected mid-word and the
     * cursor re-synchronises), and as B-x a different spelling.
     */
    static OutputAutomaton ownOutputAutomaton(long[] output, long eos) {
        int body = output.length > 0 && output[output.length - 1] == eos ? output.length - 1 : output.length;
        List<long[]> chunks = new ArrayList<>();
        for (int i = 0; i < body; i += 3) {
            chunks.add(Arrays.copyOfRange(output, i, Math.min(body, i + 3)));
        }
        if (chunks.isEmpty()) {
            chunks.add(new long[] {5});
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            words.add("w" + i);
        }
        return OutputAutomaton.build(words, List.of("x"), texts -> {
            List<long[]> out = new ArrayList<>();
            for (String text : texts) {
                int w = Integer.parseInt(text.substring(1, text.indexOf('(')));
                long[] chunk = chunks.get(w).clone();
                String label = text.substring(text.indexOf('(') + 1, text.length() - 1);
                if (label.equals("O") && w % 3 == 2 && chunk.length > 1) {
                    chunk[1] = chunk[1] + 7;
                } else if (!label.equals("O")) {
                    chunk = Arrays.copyOf(chunk, chunk.length + 1);
                    chunk[chunk.length - 1] = label.startsWith("B") ? 11 : 13;
                }
                out.add(chunk);
            }
            return out;
        }, eos);
    }

    @Test
    void constrainedOutputSpellsTheInputWordsAndDraftsChangeNothing() throws Exception {
        for (Subject s : subjects()) {
            try (s) {
                for (int batch : new int[] {1, 4}) {
                    List<long[]> prompts = prompts(s, batch);
                    List<OutputAutomaton> automata = automata(s, batch);
                    int max = 400;
                    List<long[]> reference = constrainedStepByStep(s.model(), prompts, automata, max);
                    for (Guidance.Draft draft : Guidance.Draft.values()) {
                        List<Generated> out = new Generator().generate(s.model(), prompts, GenerationConfig.greedy(max),
                                automata, new Guidance(Guidance.Decoding.CONSTRAINED, draft, 8, true));
                        for (int b = 0; b < batch; b++) {
                            long[] tokens = out.get(b).tokens();
                            assertSameOrNearTie(s, prompts.get(b), reference.get(b), tokens,
                                    s.model().spec().architecture() + " constrained, draft " + draft + ", row " + b);
                            assertEquals(s.model().spec().eosTokenId(), tokens[tokens.length - 1], "ends with EOS");
                            assertSpellsWords(s, records.get(b), automata.get(b), tokens);
                            assertTrue(out.get(b).decoderPasses() < tokens.length / 2,
                                    "forced runs are fed as blocks: " + out.get(b).decoderPasses() + " passes for "
                                            + tokens.length + " tokens");
                        }
                    }
                }
            }
        }
    }

    private static void assertSpellsWords(Subject s, GnerRecord r, OutputAutomaton automaton, long[] tokens) {
        List<String> labels = automaton.labelsOf(tokens);
        List<String> candidates = OutputAutomaton.candidateLabels(r.labelList());
        assertTrue(candidates.containsAll(labels), labels.toString());
        long[] body = Arrays.copyOf(tokens, tokens.length - 1);
        String expected = PromptBuilder.promptLabels(r.instance().words(), labels);
        assertArrayEquals(s.tokenizer().encodeWithoutSpecial(expected), body,
                "the output is the words with the chosen labels: " + expected);
    }

    /** Reference: one token per pass, argmax over the allowed tokens (HF prefix_allowed_tokens_fn). */
    static List<long[]> constrainedStepByStep(GenerativeModel model, List<long[]> prompts,
            List<OutputAutomaton> automata, int max) {
        int rows = prompts.size();
        List<OutputAutomaton.Cursor> cursors = automata.stream().map(OutputAutomaton::start).toList();
        List<List<Long>> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            out.add(new ArrayList<>());
        }
        boolean[] done = new boolean[rows];
        try (NDManager scope = model.newScope(); DecodeState state = model.begin(scope, prompts)) {
            float[] logits;
            try (NDManager step = scope.newSubManager()) {
                logits = state.prefill(step).toFloatArray();
            }
            int vocab = logits.length / rows;
            for (int t = 0; t < max; t++) {
                long[] next = new long[rows];
                boolean all = true;
                for (int r = 0; r < rows; r++) {
                    if (done[r]) {
                        next[r] = model.spec().padTokenId();
                        continue;
                    }
                    long[] allowed = cursors.get(r).allowed();
                    long best = allowed[0];
                    for (long a : allowed) {
                        if (logits[r * vocab + (int) a] > logits[r * vocab + (int) best]) {
                            best = a;
                        }
                    }
                    next[r] = best;
                    out.get(r).add(best);
                    cursors.get(r).advance(best);
                    done[r] = best == model.spec().eosTokenId();
                    all &= done[r];
                }
                if (all) {
                    break;
                }
                try (NDManager step = scope.newSubManager()) {
                    logits = state.forward(step.create(next, new Shape(rows, 1))).toFloatArray();
                }
            }
        }
        List<long[]> result = new ArrayList<>();
        for (List<Long> o : out) {
            result.add(o.stream().mapToLong(Long::longValue).toArray());
        }
        return result;
    }

    @Test
    void rollbackEqualsRecomputingWithoutTheRejectedTokens() throws Exception {
        for (Subject s : subjects()) {
            try (s) {
                List<long[]> prompts = prompts(s, 2);
                long[] block = {100, 200, 300, 400, 500, 600, 700, 800};
                try (NDManager scope = s.model().newScope(); DecodeState state = s.model().begin(scope, prompts)) {
                    try (NDManager step = scope.newSubManager()) {
                        state.prefill(step);
                        state.forward(step.create(block, new Shape(2, 4)));
                    }
                    state.rollback(new int[] {3, 1}); // row 0 keeps 100, row 1 keeps 500 600 700
                    float[] got;
                    try (NDManager step = scope.newSubManager()) {
                        got = state.forward(step.create(new long[] {42, 43, 44, 45}, new Shape(2, 2)))
                                .toFloatArray(); // [2, 2, vocab]
                    }
                    int vocab = got.length / 4;
                    float[] row0 = s.referenceLogits(prompts.get(0), new long[] {100, 42, 43});
                    float[] row1 = s.referenceLogits(prompts.get(1), new long[] {500, 600, 700, 44, 45});
                    assertClose(row0, Arrays.copyOfRange(got, vocab, 2 * vocab), "row 0");
                    assertClose(row1, Arrays.copyOfRange(got, 3 * vocab, 4 * vocab), "row 1");
                }
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (worst > 1e-4f) {
            fail(what + ": max |difference| " + worst);
        }
    }
}
