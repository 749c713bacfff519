package org.gner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gner.generate.GenerationConfig;
import org.gner.generate.Generator;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.gner.model.t5.TinyT5Checkpoints;

/**
 * Runs many generate calls (tiny random T5, greedy and beam search, varying batch and prompt
 * lengths) in one JVM and prints the process RSS from {@code /proc/self/status} at the start, every
 * few hundred calls and at the end: native memory leaks show up as a rising RSS.
 *
 * <p>Options: {@code gner.calls} (default 2000), {@code gner.every} (default 200), {@code gner.threads}
 * (libtorch intra-op threads; on a shared machine 1 avoids OpenMP barrier stalls).
 */
public final class GenerateSoakBench {
    private GenerateSoakBench() {}

    public static void main(String[] args) throws IOException {
        int calls = Integer.getInteger("gner.calls", 2000);
        int every = Integer.getInteger("gner.every", 200);
        Path dir = Files.createTempDirectory("gner-soak");
        try {
            TinyT5Checkpoints.write(dir, Spec.flan(99), Format.F32);
            try (T5Model model = T5Model.load(dir, RuntimeOptions.CPU_FP32)) {
                int threads = Integer.getInteger("gner.threads", 0);
                if (threads > 0) {
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
                }
                System.out.printf("libtorch threads %d%n", ai.djl.pytorch.jni.JniUtils.getNumThreads());
                Generator generator = new Generator();
                SplittableRandom random = new SplittableRandom(7);
                GenerationConfig greedy = GenerationConfig.greedy(12);
                GenerationConfig beams = GenerationConfig.beams(12, 3);
                for (int i = 0; i < 50; i++) { // warm up the JIT and allocator pools before the baseline
                    generator.generate(model, prompts(random), i % 2 == 0 ? greedy : beams);
                }
                long start = System.nanoTime();
                report("start", 0, start);
                long tokens = 0;
                for (int i = 1; i <= calls; i++) {
                    List<long[]> out = generator.generate(model, prompts(random), i % 2 == 0 ? greedy : beams);
                    tokens += out.stream().mapToInt(o -> o.length).sum();
                    if (i % every == 0 && i < calls) {
                        report("after", i, start);
                    }
                }
                report("end  ", calls, start);
                System.out.printf("%d generate calls, %d generated tokens%n", calls, tokens);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 1-4 prompts of 5-40 random ids ending in EOS. */
    private static List<long[]> prompts(SplittableRandom random) {
        List<long[]> prompts = new ArrayList<>();
        int batch = 1 + random.nextInt(4);
        for (int b = 0; b < batch; b++) {
            long[] p = new long[5 + random.nextInt(36)];
            for (int j = 0; j < p.length - 1; j++) {
                p[j] = 3 + random.nextInt(32000);
            }
            p[p.length - 1] = 1;
            prompts.add(p);
        }
        return prompts;
    }

    private static void report(String label, int call, long start) throws IOException {
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%s %5d calls: VmRSS %s, Java heap used %d MB, %.1f s%n", label, call, vmRss(),
                (rt.totalMemory() - rt.freeMemory()) >> 20, (System.nanoTime() - start) / 1e9);
    }

    private static String vmRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return line.substring("VmRSS:".length()).trim();
            }
        }
        return "?";
    }
}
