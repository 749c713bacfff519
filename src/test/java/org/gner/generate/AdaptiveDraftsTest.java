package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Draft lengths adapt per row: a row whose drafts are rejected at once stops speculating (a rejected
 * draft position costs a block position in every layer), a row whose drafts are accepted drafts more,
 * and the output is plain greedy's either way.
 */
class AdaptiveDraftsTest {
    private static final int VOCAB = 40;
    private static final int LENGTH = 60;

    /** The model writes {@code output} (then EOS), whatever it is fed. */
    private static ScriptedModel writing(long[] output) {
        return new ScriptedModel(VOCAB, (prompt, prefix) -> {
            double[] p = new double[VOCAB];
            java.util.Arrays.fill(p, 0.1 / (VOCAB - 1));
            p[prefix.size() < output.length ? (int) output[prefix.size()] : (int) ScriptedModel.EOS] = 0.9;
            return p;
        });
    }

    private static long[] withEos(long[] output) {
        long[] out = java.util.Arrays.copyOf(output, output.length + 1);
        out[output.length] = ScriptedModel.EOS;
        return out;
    }

    /**
     * Words w0 .. w(LENGTH-1) of one label type x, each spelled by one token per label: O as 3 + i % 5, B-x
     * as 20 + i % 7, I-x as 30 + i % 7.
     */
    private static OutputAutomaton automaton() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < LENGTH; i++) {
            names.add("w" + i);
        }
        return OutputAutomaton.build(names, List.of("x"), texts -> texts.stream().map(text -> {
            int i = Integer.parseInt(text.substring(1, text.indexOf('(')));
            String label = text.substring(text.indexOf('(') + 1, text.length() - 1);
            return new long[] {label.equals("O") ? 3 + i % 5 : label.startsWith("B") ? 20 + i % 7 : 30 + i % 7};
        }).toList(), ScriptedModel.EOS);
    }

    /** The model labels word i B-x where {@code entity(i)}, else O. */
    private static long[] labelled(java.util.function.IntPredicate entity) {
        long[] output = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            output[i] = entity.test(i) ? 20 + i % 7 : 3 + i % 5;
        }
        return output;
    }

    /** Every word an entity: the draft's guess (I-x after an entity word, O first) is wrong at its first token. */
    @Test
    void rowsWhoseDraftsFailStopDraftingAndOutputsStayGreedy() {
        long[] output = labelled(i -> true);
        ScriptedModel model = writing(output);
        List<Generated> out = new Generator().generate(model, List.of(new long[] {5, 1}),
                GenerationConfig.greedy(100), List.of(automaton()),
                new Guidance(Guidance.Decoding.FREE, Guidance.Draft.INPUT, 8, true));
        assertArrayEquals(withEos(output), out.get(0).tokens());
        // a fixed k of 8 fed 9 positions per pass; adaptive drafts stop after the first failures and
        // probe one token every few passes
        assertTrue(model.fedPositions < 1.5 * (LENGTH + 1), model.fedPositions + " positions fed for "
                + (LENGTH + 1) + " tokens");
        // two passes of wrong first guesses in a row end speculation: 8 + 4 guesses, then one-token probes
        // after 8 and 16 idle passes (halving down to one guess would have cost 8 + 4 + 2 + 1)
        assertTrue(model.fedPositions <= LENGTH + 8 + 4 + 2, model.fedPositions + " positions fed");
    }

    /** Every fifth word an entity: drafts hold for four words at a time and keep being made. */
    @Test
    void rowsWhoseDraftsHoldKeepDrafting() {
        long[] output = labelled(i -> i % 5 == 4);
        ScriptedModel model = writing(output);
        List<Generated> out = new Generator().generate(model, List.of(new long[] {5, 1}),
                GenerationConfig.greedy(100), List.of(automaton()),
                new Guidance(Guidance.Decoding.FREE, Guidance.Draft.INPUT, 8, false));
        assertArrayEquals(withEos(output), out.get(0).tokens());
        assertTrue(out.get(0).decoderPasses() <= (LENGTH + 1) / 4, out.get(0).decoderPasses() + " passes for "
                + (LENGTH + 1) + " tokens");
    }
}
