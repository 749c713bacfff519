package org.gner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Model;

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

    /**
     * The mean loss of the batch's label choices ({@link LossTarget#LABEL_CHOICES}), each normalised
     * over its allowed tokens; {@code null} when the batch has no choice to learn.
     */
    public static ChoiceLoss choiceLoss(T5Model model, NDManager scope, List<TokenizedExample> batch,
            ModelTokenizer tokenizer) {
        Shifted shifted = Shifted.of(model, batch);
        LabelChoices choices = LabelChoices.of(batch, shifted.length(), tokenizer, model.config().eosTokenId());
        if (choices.size() == 0) {
            return null;
        }
        NDArray logProbs = choiceLogProbs(model, scope, shifted, choices); // [choices, k]
        long[] gold = java.util.Arrays.stream(choices.gold()).asLongStream().toArray();
        NDArray picked = logProbs.gather(scope.create(gold, new Shape(choices.size(), 1)), -1); // [choices, 1]
        return new ChoiceLoss(picked.mean().neg(), choices.size());
    }

    /** A differentiable scalar mean loss and the number of choices it averages. */
    public record ChoiceLoss(NDArray mean, int choices) {}

    /**
     * Teacher-forced label-choice counts (no generation): the argmax over each choice's allowed tokens
     * given the gold prefix, against the gold token; at a word's first label token, whether the
     * model and the gold leave the word O.
     */
    public static ChoiceCounts choiceCounts(T5Model model, NDManager scope, List<TokenizedExample> batch,
            ModelTokenizer tokenizer) {
        Shifted shifted = Shifted.of(model, batch);
        LabelChoices choices = LabelChoices.of(batch, shifted.length(), tokenizer, model.config().eosTokenId());
        if (choices.size() == 0) {
            return new ChoiceCounts(0, 0, 0, 0, 0);
        }
        try (NDManager step = scope.newSubManager()) {
            long[] best = choiceLogProbs(model, step, shifted, choices).argMax(-1).toLongArray(); // [choices]
            long correct = 0;
            long goldEntity = 0;
            long predictedEntity = 0;
            long correctEntity = 0;
            for (int p = 0; p < best.length; p++) {
                boolean hit = best[p] == choices.gold()[p];
                correct += hit ? 1 : 0;
                int o = choices.outside()[p];
                if (o >= 0) {
                    boolean goldIn = choices.gold()[p] != o;
                    boolean predictedIn = best[p] != o;
                    goldEntity += goldIn ? 1 : 0;
                    predictedEntity += predictedIn ? 1 : 0;
                    correctEntity += goldIn && hit ? 1 : 0;
                }
            }
            return new ChoiceCounts(best.length, correct, goldEntity, predictedEntity, correctEntity);
        }
    }

    /**
     * @param choices         label choices seen
     * @param correct         those whose argmax is the gold token
     * @param goldEntity      first label tokens whose gold is not O
     * @param predictedEntity first label tokens where the argmax is not O
     * @param correctEntity   gold non-O first label tokens predicted exactly
     */
    public record ChoiceCounts(long choices, long correct, long goldEntity, long predictedEntity,
            long correctEntity) {

        public ChoiceCounts plus(ChoiceCounts o) {
            return new ChoiceCounts(choices + o.choices, correct + o.correct, goldEntity + o.goldEntity,
                    predictedEntity + o.predictedEntity, correctEntity + o.correctEntity);
        }

        public double accuracy() {
            return choices == 0 ? 0 : (double) correct / choices;
        }

        /** F1 of "this word starts or continues an entity, with this first label token". */
        public double entityF1() {
            double p = predictedEntity == 0 ? 0 : (double) correctEntity / predictedEntity;
            double r = goldEntity == 0 ? 0 : (double) correctEntity / goldEntity;
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    /** Log-probabilities over each choice's allowed tokens (padding masked out): fp32 {@code [choices, k]}. */
    private static NDArray choiceLogProbs(T5Model model, NDManager scope, Shifted shifted, LabelChoices choices) {
        NDArray scores = model.candidateLogits(scope, shifted.prompts(), shifted.decoderInputs(), choices.positions(),
                choices.candidates()); // [choices, k]
        float[] padding = new float[choices.valid().length];
        for (int i = 0; i < padding.length; i++) {
            padding[i] = choices.valid()[i] > 0 ? 0f : -1e9f;
        }
        return scores.add(scope.create(padding, new Shape(choices.size(), choices.k()))).logSoftmax(-1);
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
