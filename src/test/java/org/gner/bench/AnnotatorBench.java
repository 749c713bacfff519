package org.gner.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.data.ConllReader;
import org.gner.data.NerSentence;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
import org.gner.model.ShippedModel;
import org.gner.spark.AnnotateJob;
import org.gner.spark.ml.GnerAnnotator;
import org.gner.testing.SharedData;

/**
 * {@code bench/run AnnotatorBench [documents=2000] [rounds=2] [scale sizes=5000,50000|none]}, with the
 * shipped model on {@code local[2]}, documents of one CoNLL-2003 train sentence each (cycled with
 * distinct ids when more are asked for):
 *
 * <ol>
 *   <li>{@code GnerAnnotator} (DataFrame of the lines in as many partitions as the job makes, written as
 *       Parquet) against the {@code annotate} job on the same file, alternating: the wall time and
 *       sentences/s of each (the same sentences), the ratio of the best times, and the entities each found;
 *   <li>{@code annotate} on each scale size: wall time, sentences/s, the peak live heap (in use right
 *       after a full GC forced every 5 s), the peak heap in use, the peak RSS sampled, and whether every
 *       document came out exactly once.
 * </ol>
 * Run it on an otherwise idle machine, with the heap fixed (e.g. {@code BENCH_JAVA_OPTS=-Xmx2g}).
 */
public final class AnnotatorBench {
    private static final List<String> LABELS = List.of("person", "organization", "location");

    private AnnotatorBench() {}

    public static void main(String[] args) throws Exception {
        int sentences = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String[] scale = args.length > 2 && args[2].equals("none") ? new String[0]
                : (args.length > 2 ? args[2] : "5000,50000").split(",");
        List<String> train = ConllReader.read(SharedData.path("datasets/supervised"), "conll2003", "train")
                .sentences().stream().map(NerSentence::words).map(w -> String.join(" ", w)).toList();
        Path work = Files.createTempDirectory("gner-annotator-bench");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("gner-annotator-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        System.out.printf(Locale.ROOT, "max heap %d MiB, %d cores%n", Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());

        Path corpus = corpus(work.resolve("corpus.txt"), train, sentences);
        List<Double> job = new ArrayList<>(); // seconds
        List<Double> stage = new ArrayList<>();
        long jobSentences = 0;
        int partitions = 2 * spark.sparkContext().defaultParallelism(); // what annotate makes of them
        for (int round = 1; round <= rounds; round++) {
            for (boolean jobFirst : new boolean[] {round % 2 == 1, round % 2 == 0}) {
                if (jobFirst) {
                    long t = System.nanoTime();
                    AnnotateJob.Result r = AnnotateJob.run(spark, options(corpus, work.resolve("job-" + round)));
                    double s = seconds(t);
                    job.add(s);
                    jobSentences = r.sentences();
                    System.out.printf(Locale.ROOT, "round %d annotate job:   %d sentences, %d entities, %.1f s,"
                            + " %.1f sentences/s%n", round, r.sentences(), r.entities(), s, r.sentences() / s);
                } else {
                    long t = System.nanoTime();
                    String out = work.resolve("stage-" + round).toString();
                    new GnerAnnotator().setModel(ShippedModel.FOLDER).setLabels(LABELS.toArray(String[]::new))
                            .transform(spark.read().text(corpus.toString()).withColumnRenamed("value", "text")
                                    .repartition(partitions))
                            .write().parquet(out);
                    double s = seconds(t);
                    Row totals = spark.read().parquet(out).agg(sum(size(col("entities"))),
                            sum(col("gner_error").isNotNull().cast("long"))).first();
                    stage.add(s);
                    System.out.printf(Locale.ROOT, "round %d GnerAnnotator: %d texts, %d entities, %d errors,"
                            + " %.1f s%s%n", round, sentences, totals.getLong(0), totals.getLong(1), s,
                            jobSentences > 0 ? String.format(Locale.ROOT, ", %.1f sentences/s", jobSentences / s) : "");
                }
            }
        }
        System.out.printf(Locale.ROOT, "throughput GnerAnnotator / annotate (best times): %.3f%n",
                job.stream().mapToDouble(d -> d).min().orElse(0) / stage.stream().mapToDouble(d -> d).min().orElse(1));

        for (String n : scale) {
            int count = Integer.parseInt(n.trim());
            Path input = corpus(work.resolve("scale-" + count + ".txt"), train, count);
            Sampler sampler = new Sampler();
            Thread thread = new Thread(sampler, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
            long t = System.nanoTime();
            Path out = work.resolve("scale-out-" + count);
            AnnotateJob.Result r = AnnotateJob.run(spark, options(input, out));
            double s = seconds(t);
            sampler.stop = true;
            thread.join();
            Dataset<Row> rows = spark.read().parquet(out.resolve("annotations").toString());
            long distinct = rows.select("id").distinct().count();
            System.out.printf(Locale.ROOT, "scale %d: %d rows, %d sentences, %.1f s, %.1f sentences/s, peak live heap"
                    + " %d MiB, peak heap in use %d MiB, peak RSS %d MiB, every document once: %s%n", count, r.rows(),
                    r.sentences(), s, r.sentences() / s, sampler.live.get() >> 20, sampler.used.get() >> 20,
                    sampler.rss.get() >> 20, r.rows() == count && distinct == count && r.errors() == 0);
        }
        spark.stop();
    }

    private static AnnotateJob.Options options(Path input, Path output) {
        return new AnnotateJob.Options(ShippedModel.FOLDER, LABELS, input.toString(), "text", "id", "text",
                output.toString(), true, new DecodingOptions(640, 1, 8192, Integer.MAX_VALUE, 0,
                        new Guidance(null, Guidance.Draft.INPUT, 0, true, Double.NaN)), "cpu", "fp32", 100);
    }

    private static Path corpus(Path file, List<String> sentences, int count) throws java.io.IOException {
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(sentences.get(i % sentences.size()));
        }
        return Files.write(file, lines);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Peaks sampled until stopped: the live heap (heap in use right after a full GC, forced every 5 s:
     * what the run retains, garbage excluded), the heap in use (every 100 ms) and the RSS.
     */
    private static final class Sampler implements Runnable {
        final AtomicLong live = new AtomicLong();
        final AtomicLong used = new AtomicLong();
        final AtomicLong rss = new AtomicLong();
        volatile boolean stop;

        @Override
        public void run() {
            long nextGc = System.nanoTime();
            while (!stop) {
                Runtime rt = Runtime.getRuntime();
                used.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                if (System.nanoTime() >= nextGc) {
                    System.gc();
                    live.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    nextGc = System.nanoTime() + 5_000_000_000L;
                }
                rss.accumulateAndGet(rss(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return 0;
        }
    }
}
