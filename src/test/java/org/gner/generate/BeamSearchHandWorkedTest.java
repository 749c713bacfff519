package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.gner.generate.GenerationConfig.EarlyStopping;
import org.junit.jupiter.api.Test;

/**
 * Beam search against outcomes worked out by hand under HF semantics (transformers 4.36-4.49
 * {@code BeamSearchScorer}): 2 beams, vocabulary {0 pad, 1 EOS, 2 A, 3 B, 4 C}, logits {@code ln p}.
 *
 * <p>Rules used below: beam scores start [0, -1e9]; each step keeps the top 4 of
 * {@code beam score + ln p}; an EOS ranked 0 or 1 becomes a hypothesis scored
 * {@code sum / length^lp} (length = generated tokens with EOS), other candidates fill the 2 beams in
 * rank order (the scan stops once both are filled); a prompt is done when 2 hypotheses exist and
 * (early_stopping TRUE) always / (FALSE) {@code worst >= best candidate sum / length^lp} / (NEVER,
 * lp > 0) {@code worst >= best candidate sum / maxNewTokens^lp}.
 */
class BeamSearchHandWorkedTest {
    private static final long A = 2;
    private static final long B = 3;
    private static final long C = 4;
    private static final long EOS = ScriptedModel.EOS;

    /** Probabilities in id order: pad, EOS, A, B, C. */
    private static double[] p(double pad, double eos, double a, double b, double c) {
        return new double[] {pad, eos, a, b, c};
    }

    private static long[] run(ScriptedModel.Script script, int maxNewTokens, double lengthPenalty,
            EarlyStopping earlyStopping) {
        ScriptedModel model = new ScriptedModel(5, script);
        GenerationConfig config = new GenerationConfig(maxNewTokens, 2, lengthPenalty, earlyStopping);
        return new Generator().generate(model, List.of(new long[] {9}), config).get(0);
    }

    /**
     * Case 1 (ln values rounded to 6 places):
     * <pre>
     * step 1  root: A .5, B .3          -> beams A -0.693147, B -1.203973
     * step 2  A: EOS .6, A .2, B .1     -> A EOS -1.203973 (rank 0: hypothesis "A", length 2)
     *         B: C .9                   -> B C -1.309334 (rank 1), A A -2.302585 (rank 2): beams BC, AA
     * step 3  BC: EOS .8, A .1          -> BC EOS -1.532478 (rank 0: hypothesis "BC", length 3)
     *         AA: B .7, EOS .2          -> AA B -2.659260 (rank 1), BC A -3.611919 (rank 2): beams AAB, BCA
     * step 4  AAB: EOS .95, A .02, B .015 -> AAB EOS -2.710553 (rank 0: hypothesis "AAB", length 4)
     *         BCA: EOS .96              -> BCA EOS -3.652741 (rank 1: hypothesis "BCA", length 4)
     * step 5  AABA, AABB: EOS .96       -> AABA EOS -6.612105 (rank 0, length 5)
     * </pre>
     * lp 1: A -0.601987, BC -0.510826 (worst stays -0.601987, not done: -0.601987 < -1.532478/3);
     * step 4: AAB -0.677638, BCA -0.913185 rejected; done since -0.601987 >= -2.710553/4 = -0.677638.
     * Best: B C EOS.
     * <br>lp 0: A -1.203973, BC -1.532478 (worst -1.532478); done at step 3 since
     * -1.532478 >= -1.532478. Best: A EOS.
     * <br>lp 2: A -0.300993, BC -0.170275; step 3 not done (-0.300993 < -0.170275); step 4: AAB
     * -0.169410 replaces A (worst -0.170275), BCA -0.228296 rejected; not done (-0.170275 <
     * -0.169410); step 5: AABA -0.264484 rejected; done (-0.170275 >= -6.612105/25). Best: A A B EOS.
     * <br>lp 2 with early_stopping TRUE: done as soon as A and BC are in (step 3). Best: B C EOS.
     */
    private static final ScriptedModel.Script CASE_1 = ScriptedModel.table(Map.of(
            "", p(.02, .1, .5, .3, .08),
            "2", p(.03, .6, .2, .1, .07),
            "3", p(.005, .05, .03, .015, .9),
            "3 4", p(.01, .8, .1, .05, .04),
            "2 2", p(.01, .2, .03, .7, .06),
            "2 2 3", p(.005, .95, .02, .015, .01)),
            p(.01, .96, .01, .01, .01));

    @Test
    void lengthPenaltyOneFavoursTheBestAverage() {
        assertArrayEquals(new long[] {B, C, EOS}, run(CASE_1, 10, 1.0, EarlyStopping.FALSE));
    }

    @Test
    void lengthPenaltyZeroFavoursTheBestSumAndStopsAtATie() {
        assertArrayEquals(new long[] {A, EOS}, run(CASE_1, 10, 0.0, EarlyStopping.FALSE));
    }

    @Test
    void lengthPenaltyTwoFavoursTheLongerHypothesis() {
        assertArrayEquals(new long[] {A, A, B, EOS}, run(CASE_1, 10, 2.0, EarlyStopping.FALSE));
    }

    @Test
    void earlyStoppingTrueStopsOnceTheBeamsAreFull() {
        assertArrayEquals(new long[] {B, C, EOS}, run(CASE_1, 10, 2.0, EarlyStopping.TRUE));
    }

    /**
     * Case 2, lp 1, 10 new tokens at most:
     * <pre>
     * step 1  root: A .5, B .45          -> beams A -0.693147, B -0.798508
     * step 2  A: EOS .9, C .05, A .03    -> A EOS -0.798508 (rank 0: "A" -0.399254)
     *         B: C .98                   -> B C -0.818711 (rank 1), A C -3.688879 (rank 2): beams BC, AC
     * step 3  BC: EOS .5, C .49, A .006  -> BC EOS -1.511858 (rank 0: "BC" -0.503953)
     *                                      BC C -1.532061 (rank 1), AC EOS (rank 2, not a hypothesis),
     *                                      BC A -5.934707 (rank 3): beams BCC, BCA
     * step 4  BCC: EOS .999              -> BCC EOS -1.533062 (rank 0: "BCC" -0.383265)
     * </pre>
     * FALSE: at step 3 the hypotheses are full and worst -0.503953 >= -1.511858/3: done, best "A".
     * NEVER: the bound uses 10 tokens, -1.511858/10 = -0.151186 > worst, so it goes on; step 4 adds
     * BCC (-0.383265, replacing BC; worst now -0.399254), still not done (-1.533062/10); step 5 finds
     * nothing better (AABA-like continuations near -9.4) and stops. Best: B C C EOS.
     */
    private static final ScriptedModel.Script CASE_2 = ScriptedModel.table(Map.of(
            "", p(.01, .03, .5, .45, .01),
            "2", p(.01, .9, .03, .01, .05),
            "3", p(.002, .01, .005, .003, .98),
            "3 4", p(.001, .5, .006, .003, .49),
            "3 4 4", p(.0001, .999, .0004, .0003, .0002)),
            p(.01, .96, .01, .01, .01));

    @Test
    void earlyStoppingFalseStopsOnTheCurrentLengthHeuristic() {
        assertArrayEquals(new long[] {A, EOS}, run(CASE_2, 10, 1.0, EarlyStopping.FALSE));
        assertArrayEquals(new long[] {A, EOS}, run(CASE_2, 10, 1.0, EarlyStopping.TRUE));
    }

    @Test
    void earlyStoppingNeverKeepsSearchingWhileALongerHypothesisCouldWin() {
        assertArrayEquals(new long[] {B, C, C, EOS}, run(CASE_2, 10, 1.0, EarlyStopping.NEVER));
    }

    /**
     * Case 3, lp 0, 3 new tokens: open beams join the hypotheses at the length limit, without EOS.
     * The root's EOS (p .1) ranks third and is never looked at: both beams are filled by then.
     * <pre>
     * step 1  root: A .5, B .39, EOS .1     -> beams A -0.693147, B -0.941609
     * step 2  fallback A .4, B .3, C .2     -> A A -1.609438, B A -1.857900: beams AA, BA
     * step 3                                -> A A A -2.525729, B A A -2.774191: length limit
     * </pre>
     * Best: A A A (no EOS appended).
     */
    @Test
    void openBeamsJoinTheHypothesesAtTheLengthLimitWithoutEos() {
        ScriptedModel.Script script = ScriptedModel.table(Map.of("", p(.005, .1, .5, .39, .005)),
                p(.05, .05, .4, .3, .2));
        assertArrayEquals(new long[] {A, A, A}, run(script, 3, 0.0, EarlyStopping.FALSE));
    }

    /**
     * Case 4, lp 1, 4 new tokens: an EOS ranked third while the beams still need filling is skipped.
     * <pre>
     * step 1  root: A .5, B .4                 -> beams A -0.693147, B -0.916291
     * step 2  A, B: EOS .5, C .45              -> rank 0 A EOS -1.386294 ("A" -0.693147), rank 1 A C
     *                                             -1.491655, rank 2 B EOS -1.609438 (skipped), rank 3 B C
     * step 3  AC, BC: A .35, B .3, C .2        -> AC A -2.541477, AC B -2.695628: beams ACA, ACB
     * step 4  fallback EOS .99                 -> ACA EOS -2.551527 ("ACA" -0.637882), ACB EOS
     *                                             -2.705678 ("ACB" -0.676420, A drops out): length limit
     * </pre>
     * Best: A C A EOS. Had "B" (-0.804719) been kept at step 2, two hypotheses would exist and step 3
     * would stop the search (-0.804719 >= -2.541477/3), answering A EOS.
     */
    @Test
    void eosRankedAfterTheFirstNumBeamsCandidatesIsNotAHypothesis() {
        double[] either = p(.01, .5, .02, .02, .45);
        double[] after = p(.05, .1, .35, .3, .2);
        ScriptedModel.Script script = ScriptedModel.table(Map.of(
                "", p(.02, .05, .5, .4, .03), "2", either, "3", either, "2 4", after, "3 4", after),
                p(.001, .99, .004, .003, .002));
        assertArrayEquals(new long[] {A, C, A, EOS}, run(script, 4, 1.0, EarlyStopping.FALSE));
    }
}
