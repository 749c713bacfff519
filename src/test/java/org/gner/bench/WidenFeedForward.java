package org.gner.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.WeightStore;
import org.gner.train.Checkpoints;

/**
 * {@code bench/run WidenFeedForward <model> <output> <d_ff> [seed]}: the model with every feed-forward
 * layer widened to {@code d_ff} units, computing the same function: the new units' input weights are
 * drawn as HF initialises them ({@code N(0, d_model^-0.5)}), their output weights are zero, so they
 * start silent and training grows them. fp32 output, ready for {@code train --model}.
 */
public final class WidenFeedForward {
    private WidenFeedForward() {}

    public static void main(String[] args) throws Exception {
        int widened = widen(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]),
                args.length > 3 ? Integer.parseInt(args[3]) : 42);
        System.out.printf("widened %d tensors to d_ff %s; wrote %s%n", widened, args[2], args[1]);
    }

    /** Writes {@code from} widened to {@code dFf} into {@code to}; returns how many tensors grew. */
    public static int widen(Path from, Path to, int dFf, int seed) throws java.io.IOException {
        Engine.getInstance().setRandomSeed(seed);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(from.resolve("config.json").toFile());
        int old = config.get("d_ff").asInt();
        long dModel = config.get("d_model").asLong();
        if (dFf <= old) {
            throw new IllegalArgumentException("d_ff " + dFf + " is not wider than " + old);
        }
        Checkpoints.copyGenerationConfigAndTokenizer(from, to);
        config.put("d_ff", dFf);
        Files.writeString(to.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        WeightStore store = WeightStore.open(from);
        Map<String, TensorData> out = new LinkedHashMap<>();
        int widened = 0;
        try (NDManager scope = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String name : store.names().stream().sorted().toList()) {
                NDArray w = store.load(name, scope, DataType.FLOAT32);
                if (name.contains(".DenseReluDense.wi")) { // [d_ff, d_model]
                    NDArray extra = scope.randomNormal(0, (float) Math.pow(dModel, -0.5),
                            new Shape(dFf - old, dModel), DataType.FLOAT32); // [new units, d_model]
                    w = w.concat(extra, 0);
                    widened++;
                } else if (name.endsWith(".DenseReluDense.wo.weight")) { // [d_model, d_ff]
                    w = w.concat(scope.zeros(new Shape(dModel, dFf - old)), 1);
                    widened++;
                }
                out.put(name, TensorData.of(w));
            }
        }
        SafetensorsWriter.write(to.resolve("model.safetensors"), out, Map.of("format", "pt"));
        return widened;
    }
}
