package org.gner.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gner.testing.SharedData;

/**
 * {@code bench/run EvaluateThroughputBench <before checkout> [rounds=2] [datasets] [evaluate options...]}:
 * the shipped model's {@code evaluate} (no {@code --model}: its default decoding, {@code local[2]}) on the
 * full test splits, run alternately by the build of another checkout ("before", e.g. a second worktree
 * at the commit a change starts from, built with {@code mvn package -DskipTests}) and this one ("after"),
 * each through its own {@code jobs/gner} in a fresh JVM. Prints each run's sentences/s (the job's own, from
 * run.json, and over the JVM's whole wall time), passes per output token, the best-of ratio, and whether
 * every run's {@code predictions.jsonl} is byte-identical to the first run's.
 *
 * <p>Datasets default to {@code mit-movie,mit-restaurant,conll2003} (the shared zero-shot and supervised
 * folders, linked into one data folder). Arguments after the datasets go to both evaluates, e.g.
 * {@code --decoding free} or {@code --draft none}. Run it on an otherwise idle machine.
 */
public final class EvaluateThroughputBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluateThroughputBench() {}

    public static void main(String[] args) throws Exception {
        Path before = Path.of(args[0]).toAbsolutePath();
        Path after = Path.of("").toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String datasets = args.length > 2 ? args[2] : "mit-movie,mit-restaurant,conll2003";
        List<String> extra = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : List.of();
        Path work = Files.createTempDirectory("gner-throughput");
        Path data = linkedDataDir(work.resolve("data"), datasets);
        Map<String, Path> builds = new LinkedHashMap<>();
        builds.put("before", before);
        builds.put("after", after);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        byte[] reference = null;
        boolean identical = true;
        System.out.printf(Locale.ROOT, "datasets %s, options %s, %d rounds%n", datasets, extra, rounds);
        for (int round = 1; round <= rounds; round++) {
            List<String> order = new ArrayList<>(builds.keySet());
            if (round % 2 == 0) {
                java.util.Collections.reverse(order); // alternate which build runs first
            }
            for (String label : order) {
                Path out = work.resolve(label + "-" + round);
                List<String> command = new ArrayList<>(List.of(builds.get(label).resolve("jobs/gner").toString(),
                        "evaluate", "--data-dir", data.toString(), "--datasets", datasets, "--output", out.toString(),
                        "--overwrite", "--master", "local[2]"));
                command.addAll(extra);
                ProcessBuilder pb = new ProcessBuilder(command).directory(builds.get(label).toFile())
                        .redirectErrorStream(true).redirectOutput(work.resolve(label + "-" + round + ".log").toFile());
                pb.environment().put("HF_HUB_OFFLINE", "1");
                long started = System.nanoTime();
                int rc = pb.start().waitFor();
                double wall = (System.nanoTime() - started) / 1e9;
                if (rc != 0) {
                    throw new IllegalStateException(label + " evaluate failed (rc " + rc + "), see "
                            + work.resolve(label + "-" + round + ".log"));
                }
                JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
                double rate = run.path("timing").path("sentences_per_second").asDouble();
                double sentences = rate * run.path("timing").path("wall_seconds").asDouble();
                double passes = run.path("decoding").path("passes_per_output_token").asDouble();
                byte[] predictions = Files.readAllBytes(out.resolve("predictions.jsonl"));
                boolean same = reference == null || Arrays.equals(reference, predictions);
                if (reference == null) {
                    reference = predictions;
                }
                identical &= same;
                results.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {rate, sentences / wall});
                System.out.printf(Locale.ROOT, "round %d %-6s %6.0f sentences: job %6.1f sentences/s, JVM wall %6.1f s"
                        + " (%5.1f sentences/s), %.3f passes/token, predictions %s%n", round, label, sentences, rate,
                        wall, sentences / wall, passes, same ? "identical" : "DIFFER");
            }
        }
        double bestBefore = results.get("before").stream().mapToDouble(r -> r[0]).max().orElseThrow();
        double bestAfter = results.get("after").stream().mapToDouble(r -> r[0]).max().orElseThrow();
        System.out.printf(Locale.ROOT, "best job rate: before %.1f, after %.1f sentences/s: %.2fx; predictions.jsonl"
                + " %s%n", bestBefore, bestAfter, bestAfter / bestBefore,
                identical ? "byte-identical in every run" : "NOT identical");
    }

    /** One folder with a link per dataset, from the shared zero-shot or supervised sets. */
    private static Path linkedDataDir(Path dir, String datasets) throws Exception {
        Files.createDirectories(dir);
        for (String name : datasets.split(",")) {
            Path source = null;
            for (String parent : List.of("datasets/gner-zero-shot", "datasets/supervised")) {
                Path candidate = SharedData.root().resolve(parent).resolve(name);
                if (Files.isDirectory(candidate)) {
                    source = candidate;
                }
            }
            if (source == null) {
                throw new IllegalArgumentException("no shared dataset " + name);
            }
            Files.createSymbolicLink(dir.resolve(name), source);
        }
        return dir;
    }
}
