package org.gner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gner.model.t5.RelativePositionBuckets;
import org.gner.model.t5.T5Config;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.WeightStore;
import org.gner.train.Checkpoints;

/**
 * {@code bench/run PositionalHeads <model> <output> [spec] [strength]}: turns chosen self-attention
 * heads of a T5 checkpoint into fixed-offset heads, each attending (almost) only to the token at one
 * relative position: its column of the relative-position bias table becomes {@code +strength} at that
 * offset's bucket and {@code -strength} elsewhere, and its query rows are zeroed in every block of
 * the stack, so content scores start at 0 and the bias decides. Training then learns what to read.
 *
 * <p>Why: the 2+2-layer shipped model's heads, trained from scratch, attend by content only (near
 * one-hot on the previous entity's {@code B}/{@code I} tokens or on instruction words) and its bias
 * tables stayed within about ±1, so at a word's label the decoder often did not read the word
 * itself. {@code spec} is {@code stack:head=offset,...} (offset = key position minus query
 * position); the default, {@code encoder:0=-1,encoder:1=1,decoder:0=-1,decoder:3=-2}, gives the
 * encoder left- and right-neighbour heads and the decoder the last two tokens before {@code (}.
 * The result is not the same function (a warm start, not a copy); fp32 output for {@code train --model}.
 */
public final class PositionalHeads {
    public static final String DEFAULT_SPEC = "encoder:0=-1,encoder:1=1,decoder:0=-1,decoder:3=-2";
    public static final float DEFAULT_STRENGTH = 8f;

    private PositionalHeads() {}

    /** One fixed-offset head. */
    public record Head(String stack, int head, int offset) {
        public Head {
            if (!stack.equals("encoder") && !stack.equals("decoder")) {
                throw new IllegalArgumentException("stack must be encoder or decoder, not '" + stack + "'");
            }
            if (stack.equals("decoder") && offset >= 0) {
                throw new IllegalArgumentException("a decoder head can only look back (offset < 0), not " + offset);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<Head> heads = parse(args.length > 2 ? args[2] : DEFAULT_SPEC);
        float strength = args.length > 3 ? Float.parseFloat(args[3]) : DEFAULT_STRENGTH;
        rewrite(Path.of(args[0]), Path.of(args[1]), heads, strength);
        System.out.printf("%d positional heads (strength %.1f) written to %s%n", heads.size(), strength, args[1]);
    }

    /** Parses {@code stack:head=offset,...}. */
    public static List<Head> parse(String spec) {
        List<Head> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] stackRest = part.trim().split(":");
            String[] headOffset = stackRest.length == 2 ? stackRest[1].split("=") : new String[0];
            if (headOffset.length != 2) {
                throw new IllegalArgumentException("head spec must be stack:head=offset, not '" + part + "'");
            }
            out.add(new Head(stackRest[0], Integer.parseInt(headOffset[0]), Integer.parseInt(headOffset[1])));
        }
        return out;
    }

    /** Writes {@code from} with {@code heads} made positional into {@code to}. */
    public static void rewrite(Path from, Path to, List<Head> heads, float strength) throws java.io.IOException {
        T5Config config = T5Config.read(from.resolve("config.json"));
        for (Head h : heads) {
            if (h.head() < 0 || h.head() >= config.numHeads()) {
                throw new IllegalArgumentException("head " + h.head() + " out of 0.." + (config.numHeads() - 1));
            }
        }
        Files.createDirectories(to);
        Files.copy(from.resolve("config.json"), to.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Checkpoints.copyGenerationConfigAndTokenizer(from, to);
        WeightStore store = WeightStore.open(from);
        Map<String, TensorData> out = new LinkedHashMap<>();
        int dKv = config.dKv();
        try (NDManager scope = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String name : store.names().stream().sorted().toList()) {
                NDArray w = store.load(name, scope, DataType.FLOAT32);
                String stack = name.substring(0, name.indexOf('.'));
                for (Head h : heads) {
                    if (!h.stack().equals(stack)) {
                        continue;
                    }
                    if (name.endsWith("SelfAttention.relative_attention_bias.weight")) { // [buckets, heads]
                        int bucket = RelativePositionBuckets.bucket(h.offset(), stack.equals("encoder"),
                                config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
                        w.set(new NDIndex(":, {}", h.head()), -strength);
                        w.set(new NDIndex("{}, {}", bucket, h.head()), strength);
                    } else if (name.endsWith("SelfAttention.q.weight")) { // [heads * d_kv, d_model]
                        w.set(new NDIndex("{}:{}, :", h.head() * dKv, (h.head() + 1) * dKv), 0f);
                    }
                }
                out.put(name, TensorData.of(w));
            }
        }
        SafetensorsWriter.write(to.resolve("model.safetensors"), out, Map.of("format", "pt"));
    }
}
