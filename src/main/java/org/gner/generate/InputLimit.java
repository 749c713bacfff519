package org.gner.generate;

import java.util.Arrays;
import org.gner.model.ModelTokenizer;

/**
 * The truncation policy for prompts longer than the model takes. It is GNER's (the tokenizer's
 * {@code truncation=True} with {@code max_length}): the prompt's text tokens are cut at the end and
 * the tokenizer's special tokens are kept ({@code </s>} after them for T5, {@code <s>} before them
 * for LLaMA), so the result is exactly {@code max} tokens. Jobs flag every row cut this way.
 *
 * <p>GNER's prompts put the sentence last, so a cut loses the end of the sentence (and for LLaMA the
 * closing {@code [/INST]}); the flag tells which rows to distrust.
 */
public final class InputLimit {
    /** GNER's {@code max_source_length} for T5, whose relative positions set no limit of their own. */
    public static final int T5_DEFAULT_MAX_INPUT_TOKENS = 640;

    private final int maxTokens;
    private final int prefixSpecials;
    private final int suffixSpecials;

    InputLimit(int maxTokens, int prefixSpecials, int suffixSpecials) {
        if (maxTokens <= prefixSpecials + suffixSpecials) {
            throw new IllegalArgumentException("an input limit of " + maxTokens + " tokens leaves no room for text");
        }
        this.maxTokens = maxTokens;
        this.prefixSpecials = prefixSpecials;
        this.suffixSpecials = suffixSpecials;
    }

    /** The limit for a tokenizer, which tells where its special tokens go. */
    public static InputLimit of(ModelTokenizer tokenizer, int maxTokens) {
        long[] full = tokenizer.encode("a");
        long[] bare = tokenizer.encodeWithoutSpecial("a");
        int prefix = indexOf(full, bare);
        if (prefix < 0) {
            return new InputLimit(maxTokens, 0, 0);
        }
        return new InputLimit(maxTokens, prefix, full.length - prefix - bare.length);
    }

    /**
     * The limit jobs use: {@code requested} when positive, else 640 for encoder-decoder models; a
     * decoder-only model must also fit the generated tokens within its positions, so its limit is at
     * most {@code maxPositions - maxNewTokens}.
     */
    public static int effectiveMax(boolean encoderDecoder, int maxPositions, int requested, int maxNewTokens) {
        if (encoderDecoder || maxPositions <= 0) {
            return requested > 0 ? requested : T5_DEFAULT_MAX_INPUT_TOKENS;
        }
        int room = maxPositions - maxNewTokens;
        if (room < 2) {
            throw new IllegalArgumentException("--max-new-tokens " + maxNewTokens + " leaves no room for a prompt"
                    + " within the model's " + maxPositions + " positions");
        }
        return requested > 0 ? Math.min(requested, room) : room;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** {@code ids} itself when short enough, else the cut copy. */
    public long[] apply(long[] ids) {
        if (ids.length <= maxTokens) {
            return ids;
        }
        int text = maxTokens - prefixSpecials - suffixSpecials;
        long[] out = new long[maxTokens];
        System.arraycopy(ids, 0, out, 0, prefixSpecials + text);
        System.arraycopy(ids, ids.length - suffixSpecials, out, prefixSpecials + text, suffixSpecials);
        return out;
    }

    private static int indexOf(long[] haystack, long[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
