package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label choices of real targets (Flan-T5 tokenizer, mit-movie): every target stays on its
 * automaton, each word has exactly one first-label choice whose gold says O exactly when the word
 * is O; the candidate scores equal the full head's logits at those tokens, and the choice loss is
 * the cross-entropy restricted to the allowed tokens.
 */
class LabelChoicesTest {

    @TempDir
    Path tmp;

    @Test
    void realTargetsStayOnTheirAutomatonWithOneFirstLabelChoicePerWord() throws Exception {
        Path dir = TinyTrainingSetup.model(tmp.resolve("m"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 1, 1, 7), true, true, 1);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            List<TokenizedExample> examples = TrainingData.tokenize(TinyTrainingSetup.mitMovie(60).examples(3),
                    tokenizer, 512, 384);
            for (TokenizedExample e : examples) {
                LabelChoices choices = LabelChoices.of(List.of(e), e.target().length, tokenizer, 1);
                assertEquals(0, choices.offPath(), e.example().target());
                List<String> firstGold = new ArrayList<>();
                for (int p = 0; p < choices.size(); p++) {
                    int o = choices.outside()[p];
                    if (o >= 0) {
                        firstGold.add(choices.gold()[p] == o ? "O" : "entity");
                    }
                    assertTrue(choices.valid()[p * choices.k() + choices.gold()[p]] > 0);
                }
                List<String> expected = e.example().labels().stream().map(l -> l.equals("O") ? "O" : "entity").toList();
                assertEquals(expected, firstGold, e.example().target());
            }
        }
    }

    @Test
    void candidateScoresAreTheHeadsLogitsAndTheLossIsTheRestrictedCrossEntropy() throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            Path dir = TinyTrainingSetup.model(tmp.resolve("w-" + tied),
                    new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 2, 1, 7), tied, false, 3);
            try (ModelTokenizer tokenizer = ModelTokenizer.load(dir);
                    T5Model model = T5Model.loadForTraining(dir, Device.cpu());
                    NDManager scope = model.newScope()) {
                List<TokenizedExample> batch = TrainingData.tokenize(TinyTrainingSetup.mitMovie(3).examples(5),
                        tokenizer, 256, 128);
                int length = batch.stream().mapToInt(e -> e.target().length).max().orElseThrow();
                List<long[]> prompts = batch.stream().map(TokenizedExample::prompt).toList();
                List<long[]> inputs = new ArrayList<>();
                for (TokenizedExample e : batch) {
                    long[] in = new long[length];
                    System.arraycopy(e.target(), 0, in, 1, Math.min(e.target().length, length - 1));
                    inputs.add(in); // pad 0 is also T5's decoder start
                }
                LabelChoices choices = LabelChoices.of(batch, length, tokenizer, 1);
                float[] full = model.logits(scope, prompts, inputs).toFloatArray(); // [rows * length * vocab]
                float[] picked = model.candidateLogits(scope, prompts, inputs, choices.positions(),
                        choices.candidates()).toFloatArray(); // [choices * k]
                int vocab = model.config().vocabSize();
                double expectedLoss = 0;
                for (int p = 0; p < choices.size(); p++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < choices.k(); c++) {
                        long id = choices.candidates()[p * choices.k() + c];
                        float reference = full[(int) (choices.positions()[p] * vocab + id)];
                        assertEquals(reference, picked[p * choices.k() + c], 1e-4, "tied " + tied);
                        if (choices.valid()[p * choices.k() + c] > 0) {
                            max = Math.max(max, reference);
                        }
                    }
                    double sum = 0;
                    for (int c = 0; c < choices.k(); c++) {
                        long id = choices.candidates()[p * choices.k() + c];
                        sum += choices.valid()[p * choices.k() + c] > 0
                                ? Math.exp(full[(int) (choices.positions()[p] * vocab + id)] - max) : 0;
                    }
                    long goldId = choices.candidates()[p * choices.k() + choices.gold()[p]];
                    expectedLoss -= full[(int) (choices.positions()[p] * vocab + goldId)] - max - Math.log(sum);
                }
                expectedLoss /= choices.size();
                NDArray loss = TeacherForcing.choiceLoss(model, scope, batch, tokenizer).mean();
                assertEquals(expectedLoss, loss.getFloat(), 1e-4);
            }
        }
    }
}
