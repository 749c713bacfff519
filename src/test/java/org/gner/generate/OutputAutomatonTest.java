package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.model.ModelTokenizer;
import org.gner.prompt.PromptBuilder;
import org.gner.prompt.PromptStructure;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;

class OutputAutomatonTest {
    private static final long EOS = ScriptedModel.EOS;

    /**
     * A toy tokenizer: the word is one token (10 + its index in {@code vocab}), "(" 2, every label
     * letter-group one token, ")" 3. Spellings share "word (" and branch at the label.
     */
    private static Function<List<String>, List<long[]>> toySpeller(List<String> vocab) {
        Map<String, Long> labelTokens = Map.of("O", 4L, "B-", 5L, "I-", 6L, "x", 7L, "y", 8L);
        return texts -> {
            List<long[]> out = new ArrayList<>();
            for (String text : texts) {
                int open = text.indexOf('(');
                List<Long> ids = new ArrayList<>();
                ids.add(10L + vocab.indexOf(text.substring(0, open)));
                ids.add(2L);
                String label = text.substring(open + 1, text.length() - 1);
                if (label.equals("O")) {
                    ids.add(labelTokens.get("O"));
                } else {
                    ids.add(labelTokens.get(label.substring(0, 2)));
                    ids.add(labelTokens.get(label.substring(2)));
                }
                ids.add(3L);
                out.add(ids.stream().mapToLong(Long::longValue).toArray());
            }
            return out;
        };
    }

    @Test
    void cursorWalksSpellingsForcesSharedPrefixesAndBranchesAtLabels() {
        List<String> words = List.of("a", "b");
        OutputAutomaton automaton = OutputAutomaton.build(words, List.of("x", "y"), toySpeller(words), EOS);
        OutputAutomaton.Cursor c = automaton.start();
        assertEquals(10, c.forced());
        c.advance(10);
        assertEquals(2, c.forced());
        c.advance(2);
        assertArrayEquals(new long[] {4, 5, 6}, c.allowed(), "O, B-, I- at the label branch");
        assertEquals(-1, c.forced());
        c.advance(5);
        assertArrayEquals(new long[] {7, 8}, c.allowed());
        c.advance(7);
        c.advance(3);
        assertEquals(1, c.word());
        long[] draft = new long[10];
        int n = c.draft(draft, 10, true);
        assertArrayEquals(new long[] {11, 2, 6, 7, 3, EOS}, Arrays.copyOf(draft, n), "I-x drafted after B-x, then EOS");
        n = c.draft(draft, 10, false);
        assertArrayEquals(new long[] {11, 2, 4, 3, EOS}, Arrays.copyOf(draft, n), "O drafted without continuation");
        n = c.forcedRun(draft, 10);
        assertArrayEquals(new long[] {11, 2}, Arrays.copyOf(draft, n), "forced run up to the label branch");
        for (long t : new long[] {11, 2, 4, 3}) {
            c.advance(t);
        }
        assertArrayEquals(new long[] {EOS}, c.allowed());
        c.advance(EOS);
        assertTrue(c.finished());
        assertEquals(Arrays.asList("B-x", "O"), c.labels());
        assertEquals(List.of("B-x", "O"), automaton.labelsOf(new long[] {10, 2, 5, 7, 3, 11, 2, 4, 3, EOS}));
    }

    @Test
    void aTokenOutsideTheSpellingsLosesTheCursorUntilAWordStarts() {
        List<String> words = List.of("a", "b", "c");
        OutputAutomaton automaton = OutputAutomaton.build(words, List.of("x"), toySpeller(words), EOS);
        OutputAutomaton.Cursor c = automaton.start();
        c.advance(10);
        c.advance(99); // the model wrote something else
        assertTrue(c.lost());
        assertEquals(0, c.allowed().length);
        assertEquals(0, c.draft(new long[4], 4, true), "no drafts while lost");
        c.advance(2);
        assertTrue(c.lost());
        c.advance(12); // word c starts: re-synchronised (b was skipped)
        assertFalse(c.lost());
        assertEquals(2, c.word());
        assertEquals(2, c.forced());
    }

    @Test
    void wholeTargetsTokenizeAsTheConcatenationOfTheirWordsSpellings() throws Exception {
        List<GnerRecord> records = new ArrayList<>();
        for (String file : List.of("zero-shot-test-100.jsonl", "zero-shot-dev-100.jsonl")) {
            records.addAll(GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/" + file)));
        }
        try (ModelTokenizer t5 = ModelTokenizer.load(SharedData.flanT5Tokenizer());
                ModelTokenizer llama = ModelTokenizer.load(SharedData.llamaTokenizer())) {
            assertEquals(records.size(), concatenationHolds(t5, records), "T5: every target");
            // LLaMA has no whitespace pre-split; "▁word(label)" alone spells the same as inside the target
            assertEquals(records.size(), concatenationHolds(llama, records), "LLaMA: every target");
        }
    }

    private static int concatenationHolds(ModelTokenizer tokenizer, List<GnerRecord> records) {
        int holds = 0;
        List<String> failures = new ArrayList<>();
        for (GnerRecord r : records) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < r.instance().size(); i++) {
                pieces.add(r.instance().words().get(i) + "(" + r.instance().labels().get(i) + ")");
            }
            long[] concatenated = tokenizer.encodeBatchWithoutSpecial(pieces).stream()
                    .flatMapToLong(LongStream::of).toArray();
            long[] whole = tokenizer.encodeWithoutSpecial(r.promptLabels());
            if (Arrays.equals(whole, concatenated)) {
                holds++;
            } else if (failures.size() < 3) {
                failures.add(r.promptLabels());
            }
        }
        if (holds != records.size()) {
            System.err.println("spelling differs for e.g. " + failures);
        }
        return holds;
    }

    @Test
    void promptStructureReadsWordsAndLabelsBackFromGnerPrompts() {
        for (GnerRecord r : GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/zero-shot-test-100.jsonl"))) {
            PromptStructure t5 = PromptStructure.parse(r.instructionInputs()).orElseThrow();
            assertEquals(r.instance().words(), t5.words());
            assertEquals(r.labelList(), t5.labels());
            assertEquals(t5, PromptStructure.parse(PromptBuilder.llama(r.instructionInputs())).orElseThrow());
        }
        assertTrue(PromptStructure.parse("Translate this: hello").isEmpty());
        assertTrue(PromptStructure.parse("[INST] " + PromptBuilder.instruction(List.of("x"), List.of("a"), null))
                .isEmpty(), "an [INST] prompt without [/INST]");
    }

    /**
     * Hand-worked constrained greedy on the toy spelling: the scripted model prefers token 9 (never
     * allowed), then among the allowed ones B- at word 0 and O at word 1; at B- it prefers y over x.
     */
    @Test
    void handWorkedConstrainedGreedy() {
        List<String> words = List.of("a", "b");
        OutputAutomaton automaton = OutputAutomaton.build(words, List.of("x", "y"), toySpeller(words), EOS);
        ScriptedModel model = new ScriptedModel(16, (prompt, prefix) -> {
            double[] p = new double[16];
            Arrays.fill(p, 0.01);
            p[9] = 0.5; // the model's favourite, outside every spelling
            int at = prefix.size();
            if (at == 2) {
                p[5] = 0.2; // B- over O (0.01) and I- (0.01)
            } else if (at == 3) {
                p[8] = 0.1; // y over x
            } else if (at == 7) {
                p[4] = 0.1; // O at word 1
                p[5] = 0.05;
            }
            return p;
        });
        for (Guidance.Draft draft : Guidance.Draft.values()) {
            List<Generated> out = new Generator().generate(model, List.of(new long[] {1}), GenerationConfig.greedy(40),
                    List.of(automaton), new Guidance(Guidance.Decoding.CONSTRAINED, draft, 4, true));
            assertArrayEquals(new long[] {10, 2, 5, 8, 3, 11, 2, 4, 3, EOS}, out.get(0).tokens(), draft.toString());
            assertEquals(List.of("B-y", "O"), automaton.labelsOf(out.get(0).tokens()));
        }
        // an O bias of ln(0.1 / 0.05) + a little flips word 1's O (0.1) to B- (0.05); word 0 stays B-y
        double bias = Math.log(2) + 0.01;
        List<Generated> biased = new Generator().generate(model, List.of(new long[] {1}), GenerationConfig.greedy(40),
                List.of(automaton), new Guidance(Guidance.Decoding.CONSTRAINED, Guidance.Draft.INPUT, 4, true, bias));
        assertEquals("B-y", automaton.labelsOf(biased.get(0).tokens()).get(0));
        assertEquals("B", automaton.labelsOf(biased.get(0).tokens()).get(1).substring(0, 1));
    }

    /**
     * Constrained beam search with enough beams finds the best-scoring label sequence: every one of
     * the 5 x 5 label sequences of a two-word sentence scored by hand (sum of log-probs / length).
     */
    @Test
    void constrainedBeamSearchEqualsBruteForceOverAllLabelSequences() {
        assertBeamSearchEqualsBruteForce(0.0);
    }

    /**
     * With {@code --o-bias}, beam search scores {@code log_softmax(logits - penalty)} where the penalty is
     * the bias on a label choice's O: the same brute force with that penalty finds the same best sequence,
     * and the bias changes which one that is.
     */
    @Test
    void constrainedBeamSearchWithAnOBiasEqualsBruteForceWithThePenalty() {
        long[] unbiased = assertBeamSearchEqualsBruteForce(0.0);
        assertBeamSearchEqualsBruteForce(1.5);
        long[] favouringO = assertBeamSearchEqualsBruteForce(-6.0); // a negative bias adds to O's logit
        assertFalse(Arrays.equals(unbiased, favouringO), "the O bias changes the best sequence");
    }

    private static long[] assertBeamSearchEqualsBruteForce(double outsideBias) {
        List<String> words = List.of("a", "b");
        OutputAutomaton automaton = OutputAutomaton.build(words, List.of("x", "y"), toySpeller(words), EOS);
        ScriptedModel.Script script = (prompt, prefix) -> {
            double[] p = new double[16];
            long h = 17;
            for (long t : prefix) {
                h = h * 31 + t;
            }
            java.util.SplittableRandom r = new java.util.SplittableRandom(h);
            double sum = 0;
            for (int v = 0; v < 16; v++) {
                p[v] = 0.05 + r.nextDouble();
                sum += p[v];
            }
            for (int v = 0; v < 16; v++) {
                p[v] /= sum;
            }
            return p;
        };
        List<String> candidates = automaton.candidates();
        double best = Double.NEGATIVE_INFINITY;
        long[] bestTokens = null;
        Function<List<String>, List<long[]>> speller = toySpeller(words);
        for (String first : candidates) {
            for (String second : candidates) {
                List<long[]> parts = speller.apply(List.of("a(" + first + ")", "b(" + second + ")"));
                long[] tokens = LongStream.concat(LongStream.concat(LongStream.of(parts.get(0)), LongStream.of(parts.get(1))),
                        LongStream.of(EOS)).toArray();
                double logProb = 0;
                List<Long> prefix = new ArrayList<>();
                OutputAutomaton.Cursor cursor = automaton.start();
                for (long t : tokens) {
                    double[] p = script.next(new long[] {1}, prefix);
                    double[] logits = new double[p.length];
                    long[] allowed = cursor.allowed();
                    for (int v = 0; v < p.length; v++) {
                        logits[v] = (float) Math.log(p[v]);
                        if (allowed.length > 1 && Arrays.binarySearch(allowed, v) >= 0 && cursor.choosesOutside(v)) {
                            logits[v] -= outsideBias;
                        }
                    }
                    double normalizer = 0;
                    for (double l : logits) {
                        normalizer += Math.exp(l);
                    }
                    logProb += (float) (logits[(int) t] - Math.log(normalizer));
                    prefix.add(t);
                    cursor.advance(t);
                }
                double score = logProb / tokens.length;
                if (score > best) {
                    best = score;
                    bestTokens = tokens;
                }
            }
        }
        GenerationConfig beams = new GenerationConfig(40, 25, 1.0, GenerationConfig.EarlyStopping.NEVER);
        List<Generated> out = new Generator().generate(new ScriptedModel(16, script), List.of(new long[] {1}), beams,
                List.of(automaton), new Guidance(Guidance.Decoding.CONSTRAINED, Guidance.Draft.NONE, 0, true,
                        outsideBias));
        assertArrayEquals(bestTokens, out.get(0).tokens(), "o-bias " + outsideBias);
        return bestTokens;
    }

    @Test
    void labelsSpelledAlikeKeepTheFirstCandidate() {
        Map<String, long[]> same = new HashMap<>();
        OutputAutomaton automaton = OutputAutomaton.build(List.of("w"), List.of("x"), texts -> {
            List<long[]> out = new ArrayList<>();
            for (String t : texts) {
                out.add(same.computeIfAbsent(t.contains("x") ? "x" : t, k -> new long[] {20, 21}));
            }
            return out;
        }, EOS);
        assertEquals(List.of("O"), automaton.labelsOf(new long[] {20, 21, EOS}), "O, the first candidate");
    }
}
