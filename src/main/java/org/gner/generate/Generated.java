package org.gner.generate;

import java.util.List;

/**
 * One prompt's generation.
 *
 * @param tokens         the generated ids (no decoder start token, no prompt; EOS last when produced)
 * @param decoderPasses  decoder passes this row took part in (prefill included)
 * @param acceptedDrafts drafted tokens the model confirmed
 * @param labelDecisions constrained greedy decoding: every choice among two or more allowed tokens, in
 *                       order; empty otherwise
 * @param tokenLogProbs  free greedy decoding: each generated token's log-probability under the full
 *                       softmax; null otherwise (constrained greedy, beam search)
 */
public record Generated(long[] tokens, int decoderPasses, int acceptedDrafts, List<LabelDecision> labelDecisions,
        float[] tokenLogProbs) {

    public Generated {
        labelDecisions = List.copyOf(labelDecisions);
    }

    /** A generation without probabilities (beam search). */
    public Generated(long[] tokens, int decoderPasses, int acceptedDrafts) {
        this(tokens, decoderPasses, acceptedDrafts, List.of(), null);
    }
}
