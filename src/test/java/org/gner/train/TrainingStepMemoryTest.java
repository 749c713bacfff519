package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full training step (forward, backward, AdamW) leaves no array behind in the model's managers:
 * the transposed views of the feed-forward output weights and of the tied head once stayed in the
 * weights' manager, 4 handles per step here (found as slowly rising RSS while training).
 */
class TrainingStepMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void stepsDoNotGrowTheModelsManagers() throws Exception {
        Path start = TinyTrainingSetup.model(tmp.resolve("start"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 2, 1, 7), true, false, 3);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(start);
                T5Model model = T5Model.loadForTraining(start, Device.cpu())) {
            List<TokenizedExample> batch = TrainingData.tokenize(TinyTrainingSetup.mitMovie(4).examples(1),
                    tokenizer, 256, 128);
            Map<String, NDArray> parameters = model.parameters();
            try (NDManager scope = model.newScope(); AdamW optimizer = new AdamW(scope, parameters, 0.01)) {
                NDManager root = scope.getParentManager(); // the model's own manager, weights below it
                step(model, optimizer, parameters, batch);
                int after1 = root.getManagedArrays().size();
                for (int i = 0; i < 4; i++) {
                    step(model, optimizer, parameters, batch);
                }
                assertEquals(after1, root.getManagedArrays().size(), "arrays left behind by 4 training steps");
            }
        }
    }

    private static void step(T5Model model, AdamW optimizer, Map<String, NDArray> parameters,
            List<TokenizedExample> batch) {
        try (NDManager scope = model.newScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(TeacherForcing.meanLoss(model, scope, batch));
            }
            optimizer.step(parameters, 1e-3, 1.0);
        }
    }
}
