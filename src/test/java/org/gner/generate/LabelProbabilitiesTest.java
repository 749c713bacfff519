package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gner.data.GnerRecord;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Word label probabilities from the decoder's own logits: by hand, drafts on and off, free decoding. */
class LabelProbabilitiesTest {
    @TempDir
    static Path dir;

    /**
     * One word, labels {@code location} and {@code city}. Spellings: {@code Paris(O)} = 10 11 20 12,
     * {@code Paris(B-location)} = 10 11 21 22 30 12, {@code I-} with 23 for 21, {@code city} with 31 for 30.
     * So B-location has two branch points: after 10 11 (O / B- / I-) and after 10 11 21 22 (location / city).
     */
    private static OutputAutomaton paris() {
        Map<String, long[]> spell = new HashMap<>();
        spell.put("Paris(O)", new long[] {10, 11, 20, 12});
        spell.put("Paris(B-location)", new long[] {10, 11, 21, 22, 30, 12});
        spell.put("Paris(I-location)", new long[] {10, 11, 23, 22, 30, 12});
        spell.put("Paris(B-city)", new long[] {10, 11, 21, 22, 31, 12});
        spell.put("Paris(I-city)", new long[] {10, 11, 23, 22, 31, 12});
        return OutputAutomaton.build(List.of("Paris"), List.of("location", "city"),
                texts -> texts.stream().map(spell::get).toList(), ScriptedModel.EOS);
    }

    private static double[] probabilities(int vocab, Map<Integer, Double> p) {
        double[] out = new double[vocab];
        double rest = 1 - p.values().stream().mapToDouble(Double::doubleValue).sum();
        Arrays.fill(out, rest / (vocab - p.size()));
        p.forEach((id, v) -> out[id] = v);
        return out;
    }

    private static Generated decode(ScriptedModel model, OutputAutomaton automaton, Guidance.Draft draft, double oBias) {
        return new Generator().generate(model, List.of(new long[] {5}), GenerationConfig.greedy(16), List.of(automaton),
                new Guidance(Guidance.Decoding.CONSTRAINED, draft, 0, true, oBias)).get(0);
    }

    @Test
    void constrainedProbabilitiesAreWorkedOutByHandWithTheOBias() {
        int vocab = 40;
        Map<String, double[]> table = new HashMap<>();
        table.put("10 11", probabilities(vocab, Map.of(20, 0.3, 21, 0.5, 23, 0.1)));
        table.put("10 11 21 22", probabilities(vocab, Map.of(30, 0.6, 31, 0.2)));
        ScriptedModel model = new ScriptedModel(vocab, ScriptedModel.table(table, probabilities(vocab, Map.of())));
        OutputAutomaton automaton = paris();
        double oBias = Math.log(2); // O's logit ln 0.3 - ln 2: its weight becomes 0.15
        for (Guidance.Draft draft : Guidance.Draft.values()) {
            Generated g = decode(model, automaton, draft, oBias);
            assertArrayEquals(new long[] {10, 11, 21, 22, 30, 12, ScriptedModel.EOS}, g.tokens(), draft.name());
            List<LabelDecision> decisions = g.labelDecisions();
            assertEquals(2, decisions.size(), "two branch points: " + decisions);
            assertEquals(2, decisions.get(0).token());
            assertEquals(4, decisions.get(1).token());
            for (LabelDecision d : decisions) {
                assertEquals(0, d.word());
                for (double t : new double[] {1, 2, 0.5}) {
                    assertEquals(1.0, Arrays.stream(d.probabilities(t)).sum(), 1e-9, "allowed probabilities sum to 1");
                }
            }
            // T = 1: (0.5 / (0.15 + 0.5 + 0.1)) * (0.6 / (0.6 + 0.2)) = 2/3 * 3/4
            assertEquals(0.5 / 0.75, decisions.get(0).probability(1), 1e-6);
            assertEquals(0.75, decisions.get(1).probability(1), 1e-6);
            double[] words = WordLabelProbabilities.constrained(automaton, g.tokens(), decisions, 1);
            assertEquals(0.5, words[0], 1e-6);
            // T = 2 divides every log-weight by 2: square roots of the weights
            double first = Math.sqrt(0.5) / (Math.sqrt(0.15) + Math.sqrt(0.5) + Math.sqrt(0.1));
            double second = Math.sqrt(0.6) / (Math.sqrt(0.6) + Math.sqrt(0.2));
            assertEquals(first * second, WordLabelProbabilities.constrained(automaton, g.tokens(), decisions, 2)[0],
                    1e-6);
        }
        // without the bias the first branch is 0.5 / 0.9
        Generated plain = decode(model, automaton, Guidance.Draft.NONE, 0);
        assertEquals(0.5 / 0.9 * 0.75, WordLabelProbabilities.constrained(automaton, plain.tokens(),
                plain.labelDecisions(), 1)[0], 1e-6);
    }

    @Test
    void aWordLeftUnfinishedAtTheLengthLimitGetsNone() {
        int vocab = 40;
        ScriptedModel model = new ScriptedModel(vocab, ScriptedModel.table(Map.of(), probabilities(vocab, Map.of())));
        OutputAutomaton automaton = paris();
        Generated g = new Generator().generate(model, List.of(new long[] {5}), GenerationConfig.greedy(3),
                List.of(automaton), new Guidance(Guidance.Decoding.CONSTRAINED, Guidance.Draft.NONE, 0, true)).get(0);
        assertEquals(3, g.tokens().length);
        assertTrue(Double.isNaN(WordLabelProbabilities.constrained(automaton, g.tokens(), g.labelDecisions(), 1)[0]));
    }

    /** Constrained decoding of real sentences on a tiny random T5: the same probabilities with drafts on and off. */
    @Test
    void draftsOnAndOffGiveTheSameProbabilities() throws Exception {
        Path folder = TinyT5Checkpoints.write(dir.resolve("flan"), TinyT5Checkpoints.Spec.flan(7),
                TinyT5Checkpoints.Format.F32);
        try (T5Model model = T5Model.load(folder, RuntimeOptions.CPU_FP32); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            List<long[]> prompts = new ArrayList<>();
            List<OutputAutomaton> automata = new ArrayList<>();
            for (GnerRecord r : GuidedDecodingTest.shortRecords()) {
                prompts.add(tokenizer.encode(r.instructionInputs()));
                automata.add(OutputAutomaton.build(r.instance().words(), r.labelList(), tokenizer::encodeBatchWithoutSpecial,
                        model.spec().eosTokenId()));
            }
            List<List<Generated>> runs = new ArrayList<>();
            for (Guidance.Draft draft : Guidance.Draft.values()) {
                runs.add(new Generator().generate(model, prompts, GenerationConfig.greedy(200), automata,
                        new Guidance(Guidance.Decoding.CONSTRAINED, draft, 0, true, 0.5)));
            }
            int words = 0;
            for (int i = 0; i < prompts.size(); i++) {
                Generated on = runs.get(0).get(i);
                Generated off = runs.get(1).get(i);
                assertArrayEquals(off.tokens(), on.tokens());
                double[] a = WordLabelProbabilities.constrained(automata.get(i), on.tokens(), on.labelDecisions(), 1.3);
                double[] b = WordLabelProbabilities.constrained(automata.get(i), off.tokens(), off.labelDecisions(), 1.3);
                assertArrayEquals(b, a, 1e-4);
                for (double p : a) {
                    assertTrue(p > 0 && p <= 1, "a probability: " + p);
                    words++;
                }
            }
            assertTrue(words >= 20, "words checked: " + words);
        }
    }

    /** Free greedy: each token's log-probability equals log_softmax of an uncached forward at that step. */
    @Test
    void freeDecodingLogProbabilitiesEqualAStepByStepSoftmax() throws Exception {
        Path folder = TinyT5Checkpoints.write(dir.resolve("free"), TinyT5Checkpoints.Spec.flan(3),
                TinyT5Checkpoints.Format.F32);
        try (T5Model model = T5Model.load(folder, RuntimeOptions.CPU_FP32); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            List<GnerRecord> records = GuidedDecodingTest.shortRecords();
            List<long[]> prompts = new ArrayList<>();
            List<OutputAutomaton> automata = new ArrayList<>();
            for (GnerRecord r : records) {
                prompts.add(tokenizer.encode(r.instructionInputs()));
                automata.add(OutputAutomaton.build(r.instance().words(), r.labelList(), tokenizer::encodeBatchWithoutSpecial,
                        model.spec().eosTokenId()));
            }
            for (Guidance.Draft draft : Guidance.Draft.values()) {
                List<Generated> out = new Generator().generate(model, prompts, GenerationConfig.greedy(12), automata,
                        new Guidance(Guidance.Decoding.FREE, draft, 0, true));
                for (int i = 0; i < prompts.size(); i++) {
                    Generated g = out.get(i);
                    float[] reference = referenceLogProbs(model, prompts.get(i), g.tokens());
                    assertEquals(g.tokens().length, g.tokenLogProbs().length);
                    for (int t = 0; t < reference.length; t++) {
                        assertEquals(reference[t], g.tokenLogProbs()[t], 1e-4, draft + " prompt " + i + " token " + t);
                    }
                }
            }
        }
    }

    /** log_softmax of the uncached logits at each generated position, at the token generated there. */
    private static float[] referenceLogProbs(T5Model model, long[] prompt, long[] generated) {
        long[] input = new long[generated.length];
        input[0] = model.config().decoderStartTokenId();
        System.arraycopy(generated, 0, input, 1, generated.length - 1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logProbs = model.logits(m, List.of(prompt), List.of(input)).logSoftmax(-1); // [1, len, vocab]
            float[] out = new float[generated.length];
            for (int t = 0; t < generated.length; t++) {
                out[t] = logProbs.get(new NDIndex(0, t, generated[t])).getFloat();
            }
            return out;
        }
    }

    @Test
    void freeWordProbabilitiesMultiplyTheLabelTokensFromTheFirstBranch() {
        OutputAutomaton automaton = paris();
        long[] tokens = {10, 11, 21, 22, 30, 12, ScriptedModel.EOS};
        float[] logProbs = {-0.1f, -0.2f, -0.3f, -0.4f, -0.5f, -0.6f, -0.7f};
        double[] words = WordLabelProbabilities.free(automaton, tokens, logProbs);
        assertEquals(Math.exp(-0.3 - 0.4 - 0.5 - 0.6), words[0], 1e-6, "from the first branch (21) to the word's end");
        long[] astray = {10, 11, 25, 12, ScriptedModel.EOS}; // 25 is outside every spelling
        assertTrue(Double.isNaN(WordLabelProbabilities.free(automaton, astray, logProbs)[0]));
    }
}
