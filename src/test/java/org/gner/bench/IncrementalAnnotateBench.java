package org.gner.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.gner.generate.DecodingOptions;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.spark.AnnotateJob;
import org.gner.spark.IncrementalAnnotateJob;
import org.gner.spark.SparkSessions;
import org.gner.testing.SharedData;

/**
 * What a nightly incremental run costs against re-annotating the corpus: a corpus of CoNLL-2003 and
 * MIT sentences (one per line) in many files, the tiny random T5, local[2]. Prints the wall time and
 * sentences/s of (1) the first incremental run over the whole corpus, (2) a run with nothing new,
 * (3) a run after 1% new documents arrived in a new file, and (4) a full non-incremental
 * {@code annotate} of the grown corpus (what a nightly job without --incremental pays).
 *
 * <p>Arguments: [documents=2000] [files=20].
 */
public final class IncrementalAnnotateBench {
    private IncrementalAnnotateBench() {}

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path work = Files.createTempDirectory("gner-incremental-bench");
        Path model = TinyT5Checkpoints.write(work.resolve("model"), TinyT5Checkpoints.Spec.flan(31),
                TinyT5Checkpoints.Format.F32);
        List<String> corpus = sentences(documents + documents / 100);
        Path in = work.resolve("in");
        Files.createDirectories(in);
        int perFile = documents / files;
        for (int f = 0; f < files; f++) {
            Files.write(in.resolve(String.format(Locale.ROOT, "day-%03d.txt", f)),
                    corpus.subList(f * perFile, (f + 1) * perFile), StandardCharsets.UTF_8);
        }
        var builder = SparkSession.builder().master("local[2]").appName("gner-incremental-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
                .config("spark.driver.host", "127.0.0.1");
        SparkSessions.DELTA.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            System.out.printf(Locale.ROOT, "corpus: %d documents in %d files; tiny T5 (flan 31), local[2], %d cores%n",
                    perFile * files, files, Runtime.getRuntime().availableProcessors());
            Path table = work.resolve("table");
            report("first incremental run (whole corpus)", incremental(spark, model, in, table));
            report("no-op run (nothing new)", incremental(spark, model, in, table));
            Files.write(in.resolve("day-new.txt"), corpus.subList(files * perFile, files * perFile + documents / 100),
                    StandardCharsets.UTF_8);
            report("1% new documents", incremental(spark, model, in, table));
            long started = System.nanoTime();
            AnnotateJob.Result full = AnnotateJob.run(spark, new AnnotateJob.Options(model.toString(),
                    AnnotateJob.parseLabels("person,location,organization"), in.toString(), "text", "id", "text",
                    work.resolve("full").toString(), true, decoding(), "cpu", "fp32", 40));
            double wall = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "%-40s %8.1f s  %7d documents  %7d sentences  %7.1f sentences/s%n",
                    "full re-annotation (annotate, parquet)", wall, full.rows(), full.sentences(),
                    full.sentences() / wall);
        } finally {
            spark.stop();
        }
    }

    private static DecodingOptions decoding() {
        return new DecodingOptions(32, 1, DecodingOptions.DEFAULT_BATCH_TOKENS, Integer.MAX_VALUE, 0);
    }

    private static IncrementalAnnotateJob.Result incremental(SparkSession spark, Path model, Path in, Path table) {
        return IncrementalAnnotateJob.run(spark, new IncrementalAnnotateJob.Options(new AnnotateJob.Options(
                model.toString(), AnnotateJob.parseLabels("person,location,organization"), in.toString(), "text",
                "id", "text", table.toString(), false, decoding(), "cpu", "fp32", 40, "delta"), 0, false));
    }

    private static void report(String what, IncrementalAnnotateJob.Result r) {
        System.out.printf(Locale.ROOT, "%-40s %8.1f s  %7d documents  %7d sentences  %7.1f sentences/s"
                + "  (new %d, skipped %d; table version %d -> %d)%n", what, r.wallSeconds(), r.documents(),
                r.sentences(), r.sentences() / r.wallSeconds(), r.added(), r.skipped(), r.versionBefore(),
                r.versionAfter());
    }

    /** Sentences of CoNLL-2003 test/train and the MIT sets, words joined by spaces. */
    private static List<String> sentences(int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (String file : List.of("datasets/supervised/conll2003/train.txt",
                "datasets/gner-zero-shot/mit-movie/train.txt", "datasets/gner-zero-shot/mit-restaurant/train.txt")) {
            List<String> words = new ArrayList<>();
            for (String line : Files.readAllLines(SharedData.path(file), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    if (!words.isEmpty()) {
                        out.add(String.join(" ", words));
                        words.clear();
                    }
                    if (out.size() == n) {
                        return out;
                    }
                } else {
                    words.add(line.split("\\s+")[0]);
                }
            }
        }
        throw new IllegalArgumentException("the corpus has fewer than " + n + " sentences");
    }
}
