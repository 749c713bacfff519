package org.gner.bench;

import org.gner.metrics.MetricsAccumulator;
import org.gner.structure.BackTokenizer;
import org.gner.data.GnerJsonl;
import org.gner.metrics.PredictionScorer;
import org.gner.testing.SharedData;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of parse + structure + score + accumulate on the three real prediction files, repeated
 * to at least 100k sentences, with the Flan-T5 back-tokenizer, on a fixed number of worker threads.
 * Each worker takes a contiguous slice and the accumulators are merged in order, so the result equals
 * a sequential run. The first round starts from an empty back-tokenization cache and a cold JIT.
 *
 * <p>Arguments: [minSentences=100000] [threads=2] [rounds=5].
 */
public final class ScoringBench {
    private static final List<String> RUNS =
            List.of("gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100");

    private ScoringBench() {}

    public static void main(String[] args) throws Exception {
        int minSentences = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        List<String> distinct = new ArrayList<>();
        for (String run : RUNS) {
            distinct.addAll(java.nio.file.Files.readAllLines(SharedData.path("predictions/" + run + "/predictions.jsonl")));
        }
        List<String> lines = new ArrayList<>();
        while (lines.size() < minSentences) {
            lines.addAll(distinct);
        }
        System.out.printf("input: %d JSONL lines (%d distinct, repeated), %d worker threads, %d cores%n",
                lines.size(), distinct.size(), threads, Runtime.getRuntime().availableProcessors());

        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try (BackTokenizer tokenizer = BackTokenizer.load(SharedData.flanT5Tokenizer())) {
            PredictionScorer scoring = new PredictionScorer(tokenizer);
            double best = 0;
            for (int round = 1; round <= rounds; round++) {
                resetPeaks();
                long gcBefore = gcMillis();
                long start = System.nanoTime();
                MetricsAccumulator result = scoreInParallel(lines, scoring, workers, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = lines.size() / seconds;
                best = Math.max(best, rate);
                System.out.printf("round %d%s: %.3f s, %,.0f sentences/s, peak heap %.1f MiB, gc %d ms, average F1 %.6f%n",
                        round, round == 1 ? " (cold cache, cold JIT)" : "", seconds, rate,
                        peakHeapBytes() / 1048576.0, gcMillis() - gcBefore, result.averageF1());
            }
            System.out.printf("best: %,.0f sentences/s; max heap %.0f MiB%n",
                    best, Runtime.getRuntime().maxMemory() / 1048576.0);
        } finally {
            workers.shutdown();
        }
    }

    private static MetricsAccumulator scoreInParallel(
            List<String> lines, PredictionScorer scoring, ExecutorService workers, int threads) throws Exception {
        List<Future<MetricsAccumulator>> parts = new ArrayList<>();
        int chunk = (lines.size() + threads - 1) / threads;
        for (int from = 0; from < lines.size(); from += chunk) {
            List<String> slice = lines.subList(from, Math.min(lines.size(), from + chunk));
            parts.add(workers.submit(() -> {
                MetricsAccumulator accumulator = new MetricsAccumulator();
                for (String line : slice) {
                    PredictionScorer.ScoredPrediction s = scoring.score(GnerJsonl.parse(line));
                    accumulator.add(s.dataset(), s.score(), s.structured().matchKind());
                }
                return accumulator;
            }));
        }
        MetricsAccumulator merged = new MetricsAccumulator();
        for (Future<MetricsAccumulator> part : parts) {
            merged.merge(part.get());
        }
        return merged;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks since the reset: an upper bound of the peak heap in use. */
    private static long peakHeapBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
