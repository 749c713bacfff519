package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.weights.WeightStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training mode exposes HF's tensors (norms unfolded, fused weights split, wo as stored) and one step
 * moves every one of them, i.e. gradients reach every layer norm, projection, wo and bias table.
 */
class TrainableParametersTest {

    @TempDir
    Path tmp;

    @Test
    void checkpointTensorsAreTheCheckpointsAndOneStepMovesEveryTensor() throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            Path start = TinyTrainingSetup.model(tmp.resolve("start-" + tied),
                    new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 1, 1, 7), tied, false, 5);
            WeightStore store = WeightStore.open(start);
            TrainingOptions options = new TrainingOptions(1, 1e-3, 0.0, 0.0, 0.0, 2000, 256, 128, 5, 0, 1, 1, 1, 0);
            try (ModelTokenizer tokenizer = ModelTokenizer.load(start);
                    T5Model model = T5Model.loadForTraining(start, Device.cpu());
                    NDManager manager = NDManager.newBaseManager()) {
                Map<String, float[]> before = snapshot(model, manager);
                assertEquals(new TreeSet<>(store.names()), new TreeSet<>(before.keySet()));
                for (String name : before.keySet()) {
                    assertArrayEquals(store.load(name, manager, DataType.FLOAT32).toFloatArray(), before.get(name),
                            0f, name + " as loaded");
                }
                new Trainer(model, tokenizer, TinyTrainingSetup.mitMovie(4), List.of(), null, options,
                        tmp.resolve("out-" + tied), start.resolve("config.json"), start, System.err).run(null);
                Map<String, float[]> after = snapshot(model, manager);
                for (String name : before.keySet()) {
                    assertFalse(Arrays.equals(before.get(name), after.get(name)), name + " did not move");
                }
            }
        }
        try (T5Model inference = T5Model.load(tmp.resolve("start-true"), RuntimeOptions.CPU_FP32);
                NDManager manager = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, inference::parameters);
            assertThrows(IllegalStateException.class, () -> inference.checkpointTensors(manager));
        }
    }

    private static Map<String, float[]> snapshot(T5Model model, NDManager manager) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : model.checkpointTensors(scope).entrySet()) {
                out.put(e.getKey(), e.getValue().toFloatArray());
            }
        }
        return out;
    }
}
