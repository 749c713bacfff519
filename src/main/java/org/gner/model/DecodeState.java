package org.gner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The per-batch decoding state of a {@link GenerativeModel}: encoder output and mask (T5), and
 * the self-attention KV cache. It owns its arrays; {@link #close()} frees them.
 */
public interface DecodeState extends AutoCloseable {

    /** Rows currently decoded (batch size times beams after expansion). */
    int rows();

    /**
     * Runs the step that yields the first generated token: T5 feeds {@code decoder_start_token_id},
     * LLaMA feeds the whole (left-padded) prompt. Its output has one position per row ({@code width} 1)
     * and lives in {@code out}.
     */
    StepOutput prefillStep(NDManager out);

    /**
     * Feeds {@code tokens} {@code [rows, n]} (int64) after everything seen so far, as one causal block
     * over the cache; its output has {@code n} positions per row and lives in the manager of
     * {@code tokens}. n > 1 is how drafted tokens are verified in one pass. The head is applied only as
     * far as the caller asks ({@link StepOutput#logits} or {@link StepOutput#candidates}).
     */
    StepOutput forwardStep(NDArray tokens);

    /**
     * {@link #forwardStep(NDArray)} where only the first {@code fed[r]} positions of row r are its tokens
     * and the rest of its block is padding (shorter drafts, finished rows): outputs at padding positions
     * are unspecified (the caller reads none and rolls their cache entries back), so an implementation may
     * skip computing them. {@code fed} null: every position is fed.
     */
    default StepOutput forwardStep(NDArray tokens, int[] fed) {
        return forwardStep(tokens);
    }

    /** {@link #prefillStep}'s fp32 logits {@code [rows, vocab]}, attached to {@code out}. */
    default NDArray prefill(NDManager out) {
        return prefillStep(out).logits().squeeze(1);
    }

    /** {@link #forwardStep}'s fp32 logits {@code [rows, n, vocab]}, attached to the manager of {@code tokens}. */
    default NDArray forward(NDArray tokens) {
        return forwardStep(tokens).logits();
    }

    /**
     * Keeps rows {@code rows} (int64 {@code [newRows]}, indices into the current rows, repeats
     * allowed) of every cached tensor, in that order: beam expansion and beam reordering.
     */
    void selectRows(NDArray rows);

    /**
     * Forgets the newest {@code drop[r]} tokens of row r (speculative decoding rejects drafted
     * tokens): the next {@link #forward} places row r's block right after what it keeps, so rows may
     * stand at different lengths. Position encodings and masks follow each row's own length. The
     * first generated position (prefill's) is never dropped.
     */
    void rollback(int[] drop);

    @Override
    void close();
}
