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
        Shifted shifted = Shifted.of(model, batch);
        NDArray logits = model.logits(scope, shifted.prompts(), shifted.decoderInputs()); // [rows, length, vocab]
        NDArray logProbs = logits.logSoftmax(-1); // [rows, length, vocab]
        NDArray gold = scope.create(shifted.labels(), new Shape(shifted.rows(), shifted.length(), 1));
        NDArray picked = logProbs.gather(gold, -1).reshape(shifted.rows(), shifted.length()); // [rows, length]
        NDArray weights = scope.create(shifted.mask(), new Shape(shifted.rows(), shifted.length()));
        return picked.mul(weights).sum().neg().div(weights.sum()); // []
    }

    /** The share of target tokens (EOS included) that are the argmax given the gold prefix. */
    public static double tokenAccuracy(T5Model model, NDManager scope, List<TokenizedExample> batch) {
        Shifted shifted = Shifted.of(model, batch);
        try (NDManager step = scope.newSubManager()) {
            NDArray logits = model.logits(step, shifted.prompts(), shifted.decoderInputs()); // [rows, length, vocab]
            long[] best = logits.argMax(-1).toLongArray(); // [rows * length]
            long hits = 0;
            long counted = 0;
            for (int i = 0; i < best.length; i++) {
                if (shifted.mask()[i] > 0) {
                    counted++;
                    hits += best[i] == shifted.labels()[i] ? 1 : 0;
                }
            }
            return (double) hits / counted;
        }
    }

    /** Encoder prompts, decoder inputs shifted right behind the start token, padded labels and their mask. */
    private record Shifted(int rows, int length, List<long[]> prompts, List<long[]> decoderInputs, long[] labels,
            float[] mask) {

        static Shifted of(T5Model model, List<TokenizedExample> batch) {
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
            return new Shifted(rows, length, prompts, decoderInputs, labels, mask);
        }
    }
}
