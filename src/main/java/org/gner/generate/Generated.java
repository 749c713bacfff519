package org.gner.generate;

/**
 * One prompt's generation.
 *
 * @param tokens         the generated ids (no decoder start token, no prompt; EOS last when produced)
 * @param decoderPasses  decoder passes this row took part in (prefill included)
 * @param acceptedDrafts drafted tokens the model confirmed
 */
public record Generated(long[] tokens, int decoderPasses, int acceptedDrafts) {}
