package org.gner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.T5Model;

/**
 * T5's teacher-forced cross-entropy, as HF computes it from {@code labels}: the decoder input is the
 * target shifted right behind {@code decoder_start_token_id}, every target token (EOS included) is
 * predicted, padding is left out, and the loss is the mean over the batch's target tokens.
 */
public final class TeacherForcing {
    private TeacherForcing() {}

    /** The scalar mean loss (fp32, attached to {@code scope}); differentiable when a collector is open. */
    public static NDArray meanLoss(T5Model model, NDManager scope, List<TokenizedExample> batch) {
        int rows = batch.size();
        int length = batch.stream().mapToInt(e -> e.target().length).max().orElseThrow();
        long pad = model.config().padTokenId();
        long[] labels = new long[rows * length];
        float[] mask = new float[rows * length];
        List<long[]> prompts = new ArrayList<>(rows);
        List<long[]> decoderInputs = new ArrayList<>(rows);
        Arrays.fill(labels, pad);
        for (int b = 0; b < rows; b++) {
            long[] target = batch.get(b).target();
            prompts.add(batch.get(b).prompt());
            long[] input = new long[length];
            Arrays.fill(input, pad);
            input[0] = model.config().decoderStartTokenId();
            System.arraycopy(target, 0, input, 1, Math.min(target.length, length - 1));
            decoderInputs.add(input);
            System.arraycopy(target, 0, labels, b * length, target.length);
            Arrays.fill(mask, b * length, b * length + target.length, 1f);
        }
        NDArray logits = model.logits(scope, prompts, decoderInputs); // [rows, length, vocab]
        NDArray logProbs = logits.logSoftmax(-1); // [rows, length, vocab]
        NDArray gold = scope.create(labels, new Shape(rows, length, 1));
        NDArray picked = logProbs.gather(gold, -1).reshape(rows, length); // [rows, length]
        NDArray weights = scope.create(mask, new Shape(rows, length));
        return picked.mul(weights).sum().neg().div(weights.sum()); // []
    }
}
