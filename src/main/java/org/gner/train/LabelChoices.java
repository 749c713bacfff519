package org.gner.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.generate.OutputAutomaton;
import org.gner.model.ModelTokenizer;

/**
 * The decisions constrained decoding leaves to the model, found in teacher-forced targets: each
 * target position where the sentence's {@link OutputAutomaton} allows more than one token (a word's
 * label, token by token), with the tokens it allows there. Everything else is forced at inference.
 *
 * @param positions   flat decoder positions {@code row * length + i} (predicting target token i)
 * @param candidates  {@code k} allowed ids per position, {@code [positions * k]}, short sets padded
 *                    with their first id
 * @param valid       1 for a real candidate, 0 for padding, {@code [positions * k]}
 * @param gold        the index (in {@code 0..k}) of the gold token per position
 * @param outside     per position, the index of the candidate that leads only to O (a word's first
 *                    label token), or -1
 * @param k           candidates per position
 * @param offPath     target tokens past the point where a target left its automaton (a truncated
 *                    target, or a tokenization the automaton does not spell): not counted
 */
public record LabelChoices(long[] positions, long[] candidates, float[] valid, int[] gold, int[] outside,
        int k, int offPath) {

    public int size() {
        return positions.length;
    }

    /** The choices of a batch whose decoder inputs are {@code length} long (the longest target). */
    public static LabelChoices of(List<TokenizedExample> batch, int length, ModelTokenizer tokenizer, long eos) {
        List<Long> positions = new ArrayList<>();
        List<long[]> allowed = new ArrayList<>();
        List<Integer> gold = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        int offPath = 0;
        for (int row = 0; row < batch.size(); row++) {
            TokenizedExample e = batch.get(row);
            if (e.example().words().isEmpty()) {
                continue;
            }
            OutputAutomaton automaton = OutputAutomaton.build(e.example().words(), e.example().labelList(),
                    tokenizer::spell, eos);
            OutputAutomaton.Cursor cursor = automaton.start();
            long[] target = e.target();
            for (int i = 0; i < target.length; i++) {
                long[] here = cursor.allowed();
                int at = Arrays.binarySearch(here, target[i]);
                if (at < 0) {
                    offPath += target.length - i;
                    break;
                }
                if (here.length > 1) {
                    positions.add((long) row * length + i);
                    allowed.add(here);
                    gold.add(at);
                    int o = -1;
                    for (int c = 0; c < here.length && o < 0; c++) {
                        o = cursor.choosesOutside(here[c]) ? c : -1;
                    }
                    outside.add(o);
                }
                cursor.advance(target[i]);
            }
        }
        int k = allowed.stream().mapToInt(a -> a.length).max().orElse(0);
        int n = positions.size();
        long[] flatPositions = new long[n];
        long[] candidates = new long[n * k];
        float[] valid = new float[n * k];
        int[] goldIndex = new int[n];
        int[] outsideIndex = new int[n];
        for (int p = 0; p < n; p++) {
            long[] here = allowed.get(p);
            flatPositions[p] = positions.get(p);
            Arrays.fill(candidates, p * k, (p + 1) * k, here[0]);
            System.arraycopy(here, 0, candidates, p * k, here.length);
            Arrays.fill(valid, p * k, p * k + here.length, 1f);
            goldIndex[p] = gold.get(p);
            outsideIndex[p] = outside.get(p);
        }
        return new LabelChoices(flatPositions, candidates, valid, goldIndex, outsideIndex, k, offPath);
    }
}
