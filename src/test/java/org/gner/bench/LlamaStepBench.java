package org.gner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.gner.model.CheckpointFiles;
import org.gner.model.DecodeState;
import org.gner.model.RuntimeOptions;
import org.gner.model.llama.LlamaModel;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;

/**
 * Decoder step time of {@link LlamaModel} on CPU fp32 for a LLaMA-7B-wide model cut to a few
 * layers (default: 4 layers of hidden 4096, 32 heads, intermediate 11008, vocab 32000, about 1.07B
 * parameters, 4.3 GB), at batch 1 and 8 with ~200-token prompts: warm-up steps, then the median of
 * timed steps. Random weights are written once to a temp folder (one shard per layer) and loaded
 * through the real loader.
 *
 * <p>Options as {@code key=value}: layers, hidden, heads, kvHeads, intermediate, vocab, prompt,
 * warmup, steps, batches (comma-separated).
 *
 * <p>glibc's default malloc hands every temporary over 128 KB back to the kernel and page-faults
 * fresh memory on the next step; at batch 8 that costs several times the arithmetic. Run with
 * {@code MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184} (or jemalloc) to see
 * the model's own speed; the figures print which allocator settings were in effect.
 */
public final class LlamaStepBench {
    private LlamaStepBench() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> o = options(args);
        int layers = Integer.parseInt(o.getOrDefault("layers", "4"));
        int hidden = Integer.parseInt(o.getOrDefault("hidden", "4096"));
        int heads = Integer.parseInt(o.getOrDefault("heads", "32"));
        int kvHeads = Integer.parseInt(o.getOrDefault("kvHeads", String.valueOf(heads)));
        int intermediate = Integer.parseInt(o.getOrDefault("intermediate", "11008"));
        int vocab = Integer.parseInt(o.getOrDefault("vocab", "32000"));
        int promptLength = Integer.parseInt(o.getOrDefault("prompt", "200"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
        int steps = Integer.parseInt(o.getOrDefault("steps", "15"));
        int[] batches = Arrays.stream(o.getOrDefault("batches", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();

        long params = (long) vocab * hidden * 2 + hidden
                + (long) layers * ((long) hidden * hidden * 2 + 2L * hidden * (hidden / heads) * kvHeads
                        + 3L * hidden * intermediate + 2L * hidden);
        System.out.printf("LLaMA-shaped random model: %d layers, hidden %d, %d heads (%d kv), intermediate %d,"
                + " vocab %d: %.2fB parameters, %.2f GB fp32%n", layers, hidden, heads, kvHeads, intermediate, vocab,
                params / 1e9, params * 4 / 1e9);
        System.out.printf("CPU cores: %d; MALLOC_MMAP_THRESHOLD_=%s MALLOC_TRIM_THRESHOLD_=%s%n",
                Runtime.getRuntime().availableProcessors(), System.getenv("MALLOC_MMAP_THRESHOLD_"),
                System.getenv("MALLOC_TRIM_THRESHOLD_"));
        Path dir = Files.createTempDirectory("llama-bench");
        try {
            long t0 = System.nanoTime();
            writeRandomCheckpoint(dir, layers, hidden, heads, kvHeads, intermediate, vocab);
            long t1 = System.nanoTime();
            System.out.printf("wrote random checkpoint in %.1f s%n", (t1 - t0) / 1e9);
            try (LlamaModel model = LlamaModel.load(dir, RuntimeOptions.CPU_FP32)) {
                System.out.printf("loaded (shape checks, fused transposed projections) in %.1f s%n",
                        (System.nanoTime() - t1) / 1e9);
                for (int batch : batches) {
                    run(model, batch, promptLength, warmup, steps, vocab);
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void run(LlamaModel model, int batch, int promptLength, int warmup, int steps, int vocab) {
        Random random = new Random(batch);
        List<long[]> prompts = new ArrayList<>();
        for (int r = 0; r < batch; r++) {
            // lengths differ a little so the batch is really left-padded
            long[] prompt = new long[promptLength - 3 * r];
            prompt[0] = 1;
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 3 + random.nextInt(vocab - 3);
            }
            prompts.add(prompt);
        }
        try (NDManager scope = NDManager.newBaseManager(); DecodeState state = model.begin(scope, prompts)) {
            long start = System.nanoTime();
            long[] next;
            try (NDManager step = scope.newSubManager()) {
                next = state.prefill(step).argMax(1).toLongArray();
            }
            double prefillMs = (System.nanoTime() - start) / 1e6;
            double[] stepMs = new double[steps];
            double[] stepCpuMs = new double[steps];
            for (int s = 0; s < warmup + steps; s++) {
                long t = System.nanoTime();
                long cpu = processCpuNanos();
                try (NDManager step = scope.newSubManager()) {
                    NDArray logits = state.forward(step.create(next, new Shape(batch, 1))); // [batch, 1, vocab]
                    next = logits.argMax(2).toLongArray();
                }
                if (s >= warmup) {
                    stepMs[s - warmup] = (System.nanoTime() - t) / 1e6;
                    stepCpuMs[s - warmup] = (processCpuNanos() - cpu) / 1e6;
                }
            }
            double[] sorted = stepMs.clone();
            Arrays.sort(sorted);
            double median = median(stepMs);
            System.out.printf("batch %d, prompt %d tokens: prefill %.0f ms (%.1f prompt tokens/s); decoder step"
                    + " median %.1f ms (min %.1f, max %.1f over %d steps after %d warm-up) = %.2f tokens/s;"
                    + " process CPU per step median %.1f ms%n",
                    batch, promptLength, prefillMs,
                    prompts.stream().mapToInt(p -> p.length).sum() / (prefillMs / 1000), median, sorted[0],
                    sorted[sorted.length - 1], steps, warmup, batch / (median / 1000), median(stepCpuMs));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** CPU time of the whole process (all torch threads): unlike wall time, it ignores other tenants. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** HF layout, one shard per layer plus one for embeddings, final norm and lm_head. */
    private static void writeRandomCheckpoint(Path dir, int layers, int hidden, int heads, int kvHeads,
            int intermediate, int vocab) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("model_type", "llama");
        config.put("hidden_size", hidden);
        config.put("intermediate_size", intermediate);
        config.put("num_hidden_layers", layers);
        config.put("num_attention_heads", heads);
        config.put("num_key_value_heads", kvHeads);
        config.put("vocab_size", vocab);
        Files.writeString(dir.resolve("config.json"), json.writeValueAsString(config));
        long kv = (long) hidden / heads * kvHeads;
        ObjectNode weightMap = json.createObjectNode();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int i = 0; i <= layers; i++) {
                Map<String, long[]> shapes = new LinkedHashMap<>();
                if (i == layers) {
                    shapes.put("model.embed_tokens.weight", new long[] {vocab, hidden});
                    shapes.put("model.norm.weight", new long[] {hidden});
                    shapes.put("lm_head.weight", new long[] {vocab, hidden});
                } else {
                    String p = "model.layers." + i + ".";
                    shapes.put(p + "input_layernorm.weight", new long[] {hidden});
                    shapes.put(p + "self_attn.q_proj.weight", new long[] {hidden, hidden});
                    shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, hidden});
                    shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, hidden});
                    shapes.put(p + "self_attn.o_proj.weight", new long[] {hidden, hidden});
                    shapes.put(p + "post_attention_layernorm.weight", new long[] {hidden});
                    shapes.put(p + "mlp.gate_proj.weight", new long[] {intermediate, hidden});
                    shapes.put(p + "mlp.up_proj.weight", new long[] {intermediate, hidden});
                    shapes.put(p + "mlp.down_proj.weight", new long[] {hidden, intermediate});
                }
                String shard = String.format("model-%05d-of-%05d.safetensors", i + 1, layers + 1);
                Map<String, TensorData> tensors = new LinkedHashMap<>();
                for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                    boolean norm = e.getValue().length == 1;
                    try (NDArray w = norm ? manager.ones(new Shape(e.getValue()))
                            : manager.randomNormal(0f, 0.02f, new Shape(e.getValue()), ai.djl.ndarray.types.DataType.FLOAT32)) {
                        tensors.put(e.getKey(), TensorData.of(w));
                    }
                    weightMap.put(e.getKey(), shard);
                }
                SafetensorsWriter.write(dir.resolve(shard), tensors, Map.of("format", "pt"));
            }
        }
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata");
        index.set("weight_map", weightMap);
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), json.writeValueAsString(index));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
