package org.gner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.WeightStore;
import org.gner.train.Checkpoints;

/**
 * {@code bench/run DeepenLayers <model> <output> <encoder layers> <decoder layers>}: the model with
 * more blocks appended to its encoder and decoder stacks, computing the same function: each new block
 * is a copy of the stack's last block with its output projections ({@code o}, {@code wo}) zeroed, so
 * its residual branches add nothing until training grows them (the relative position bias stays in
 * block 0). fp32 output, ready for {@code train --model}.
 */
public final class DeepenLayers {
    private static final Pattern BLOCK = Pattern.compile("^(encoder|decoder)\\.block\\.(\\d+)\\.(.*)$");

    private DeepenLayers() {}

    public static void main(String[] args) throws Exception {
        int added = deepen(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]));
        System.out.printf("added %d blocks; wrote %s%n", added, args[1]);
    }

    /** Writes {@code from} deepened to the given stack depths into {@code to}; returns blocks added. */
    public static int deepen(Path from, Path to, int encoderLayers, int decoderLayers) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(from.resolve("config.json").toFile());
        int oldEncoder = config.get("num_layers").asInt();
        int oldDecoder = config.path("num_decoder_layers").asInt(oldEncoder);
        if (encoderLayers < oldEncoder || decoderLayers < oldDecoder) {
            throw new IllegalArgumentException("depths " + encoderLayers + "/" + decoderLayers
                    + " are below the model's " + oldEncoder + "/" + oldDecoder);
        }
        Checkpoints.copyGenerationConfigAndTokenizer(from, to);
        config.put("num_layers", encoderLayers);
        config.put("num_decoder_layers", decoderLayers);
        Files.writeString(to.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        WeightStore store = WeightStore.open(from);
        Map<String, TensorData> out = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String name : store.names().stream().sorted().toList()) {
                NDArray w = store.load(name, scope, DataType.FLOAT32);
                out.put(name, TensorData.of(w));
                Matcher m = BLOCK.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                boolean encoder = m.group(1).equals("encoder");
                int last = (encoder ? oldEncoder : oldDecoder) - 1;
                if (Integer.parseInt(m.group(2)) != last) {
                    continue;
                }
                String rest = m.group(3);
                boolean output = rest.endsWith("Attention.o.weight") || rest.endsWith("DenseReluDense.wo.weight");
                NDArray copy = output ? w.zerosLike() : w;
                for (int b = last + 1; b < (encoder ? encoderLayers : decoderLayers); b++) {
                    out.put(m.group(1) + ".block." + b + "." + rest, TensorData.of(copy));
                }
            }
        }
        SafetensorsWriter.write(to.resolve("model.safetensors"), out, Map.of("format", "pt"));
        return encoderLayers - oldEncoder + decoderLayers - oldDecoder;
    }
}
