package org.gner.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.gner.model.CandidateHead;
import org.gner.model.t5.T5Layers.Batch;
import org.gner.model.t5.T5Weights.DecoderBlock;

/**
 * T5's training path: the uncached teacher-forced forward, every prompt encoded and every decoder
 * input row fed at once with full causal self-attention (also the tests' reference for the cached
 * path), and the scores of chosen candidate tokens only, which skip the full-vocabulary head.
 */
final class T5TeacherForcing {
    private final T5Layers layers;

    T5TeacherForcing(T5Layers layers) {
        this.layers = layers;
    }

    /**
     * Logits at every decoder position, fp32 {@code [batch, tgt, vocab]}, or with {@code positions}
     * ({@code row * tgt + i}) the scores of {@code k} candidate ids each ({@code candidates},
     * {@code [positions.length * k]}), fp32 {@code [positions, k]}; attached to {@code out}.
     */
    NDArray logits(NDManager out, List<long[]> prompts, List<long[]> decoderInputs, long[] positions,
            long[] candidates) {
        int tgt = decoderInputs.get(0).length;
        long[] flat = new long[decoderInputs.size() * tgt];
        for (int b = 0; b < decoderInputs.size(); b++) {
            if (decoderInputs.get(b).length != tgt) {
                throw new IllegalArgumentException("decoder inputs must share one length");
            }
            System.arraycopy(decoderInputs.get(b), 0, flat, b * tgt, tgt);
        }
        // On CPU an array made from Java data (ids, masks) reads the direct buffer it was made from,
        // and that buffer is freed once its NDArray closes. Autograd keeps the embedding lookups'
        // ids for backward, so a training forward must not close them before backward runs: it keeps
        // everything in `out` (closed by the step). Closing them early made backward read freed
        // memory (the SIGSEGVs in torchBackward).
        NDManager tmp = layers.trainable ? out : out.newSubManager();
        try {
            Batch batch = layers.pad(tmp, prompts);
            NDArray encoded = layers.encode(tmp, batch);
            NDArray h = layers.embed(tmp, tmp.create(flat, new Shape(decoderInputs.size(), tgt)));
            NDArray bias = layers.positionBias(tmp, false, new int[] {0}, tgt, tgt); // [1, heads, tgt, tgt]
            for (DecoderBlock block : layers.weights.decoder) {
                NDArray[] cross = layers.crossKeysValues(encoded, block);
                h = layers.decoderBlock(block, h, null, decoderInputs.size(), tgt, T5Layers::ownKeys, bias, cross[0],
                        cross[1], batch.keyMask());
            }
            NDArray logits = positions == null ? layers.logitsOf(h) : candidateScores(tmp, h, positions, candidates);
            logits.attach(out);
            return logits;
        } finally {
            if (tmp != out) {
                tmp.close();
            }
        }
    }

    /** fp32 {@code [positions, k]}: the head's rows of each position's candidates against its hidden state. */
    private NDArray candidateScores(NDManager scope, NDArray hidden, long[] positions, long[] candidates) {
        int k = candidates.length / positions.length;
        long d = hidden.getShape().get(2);
        NDArray rows = layers.headInput(hidden).reshape(-1, d); // [batch * tgt, d_model]
        NDArray at = CandidateHead.lookup(scope.create(positions), rows); // [positions, d_model]
        NDArray table = layers.weights.lmHead != null ? T5Layers.inScopeOf(hidden, layers.weights.lmHead.transpose()) : layers.weights.shared; // [vocab, d_model]
        NDArray ids = scope.create(candidates, new Shape(positions.length, k)); // [positions, k]
        return T5Layers.toType(CandidateHead.scores(at, table, ids), DataType.FLOAT32); // [positions, k]
    }
}
