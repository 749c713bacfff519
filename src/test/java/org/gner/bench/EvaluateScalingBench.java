package org.gner.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.gner.data.ConllReader;
import org.gner.data.DatasetConfig;
import org.gner.data.DatasetConfigs;
import org.gner.generate.DecodingOptions;
import org.gner.generate.InputLimit;
import org.gner.generate.TokenBatches;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.prompt.GnerExample;
import org.gner.prompt.GnerExamples;
import org.gner.prompt.LabelOrder;
import org.gner.spark.EvaluateJob;
import org.gner.testing.SharedData;

/**
 * {@code evaluate} throughput on local[1] versus local[2] (same input, same small random T5, model
 * already loaded and JIT warm), and the padding waste of the batches with and without length sorting.
 *
 * <p>Sentences/s is over the job's whole wall time (reading, generation, Parquet and JSONL writing),
 * as run.json reports it. Padding waste is padded prompt tokens / real prompt tokens for the batches
 * the job forms: strided partitions of local[2] (4), default budget 8192 tokens.
 *
 * <p>Runs alternate local[1] and local[2] and keep the best of each. Besides the job's rate, the rate of
 * its generation stage alone (the longest stage) is shown, and a calibration first measures how many
 * cores two spinning threads really get: on a shared machine other processes take cores away, which no
 * code can scale past.
 *
 * <p>Arguments: [sentencesPerDataset=30] [maxNewTokens=48] [rounds=2].
 */
public final class EvaluateScalingBench {
    private static final List<String> DATASETS = List.of("crossner_ai", "crossner_literature", "crossner_music",
            "crossner_politics", "crossner_science", "mit-movie", "mit-restaurant");

    private EvaluateScalingBench() {}

    public static void main(String[] args) throws Exception {
        int perDataset = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int maxNewTokens = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path work = Files.createTempDirectory("gner-scaling");
        Path model = TinyT5Checkpoints.write(work.resolve("model"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 64, 16, 128, 4, 4, 4, 7),
                TinyT5Checkpoints.Format.F32);
        Path config = work.resolve("configs.json");
        StringBuilder json = new StringBuilder("[");
        for (String d : DATASETS) {
            json.append(json.length() > 1 ? ", " : "").append("{\"dataset name\": \"").append(d)
                    .append("\", \"max_num_instances\": ").append(perDataset).append('}');
        }
        Files.writeString(config, json.append(']').toString());
        DecodingOptions decoding = new DecodingOptions(maxNewTokens, 1, DecodingOptions.DEFAULT_BATCH_TOKENS,
                Integer.MAX_VALUE, 0);
        System.out.printf(Locale.ROOT, "input: %d datasets x %d sentences, tiny T5 (d_model 64, 4+4 layers),"
                + " max_new_tokens %d, %d cores%n", DATASETS.size(), perDataset, maxNewTokens,
                Runtime.getRuntime().availableProcessors());

        double cores = calibrateCores();
        run("local[2]", model, config, decoding, work.resolve("warmup"));
        double[] one = {0, 0};
        double[] two = {0, 0};
        for (int round = 0; round < rounds; round++) {
            double[] r1 = run("local[1]", model, config, decoding, work.resolve("local1"));
            double[] r2 = run("local[2]", model, config, decoding, work.resolve("local2"));
            for (int i = 0; i < 2; i++) {
                one[i] = Math.max(one[i], r1[i]);
                two[i] = Math.max(two[i], r2[i]);
            }
        }
        System.out.printf(Locale.ROOT, "scaling local[2] / local[1] (best of %d each): job %.2fx, generation stage"
                + " %.2fx; two busy threads got %.2f cores here, so the ceiling is about %.2fx%n", rounds,
                two[0] / one[0], two[1] / one[1], cores, cores);

        padding(model, 4);
        padding(model, 1);
    }

    private static double[] run(String master, Path model, Path config, DecodingOptions decoding, Path out)
            throws Exception {
        SparkSession spark = SparkSession.builder().master(master).appName("gner-scaling")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        long[] cpuNanos = {0};
        long[] runMillis = {0};
        long[] longestStageMillis = {0};
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    cpuNanos[0] += end.taskMetrics().executorCpuTime();
                    runMillis[0] += end.taskMetrics().executorRunTime();
                }
            }

            @Override
            public synchronized void onStageCompleted(SparkListenerStageCompleted completed) {
                StageInfo stage = completed.stageInfo();
                if (stage.submissionTime().isDefined() && stage.completionTime().isDefined()) {
                    long millis = (Long) stage.completionTime().get() - (Long) stage.submissionTime().get();
                    longestStageMillis[0] = Math.max(longestStageMillis[0], millis);
                }
            }
        });
        try {
            EvaluateJob.Result result = EvaluateJob.run(spark, new EvaluateJob.Options(model.toString(),
                    SharedData.zeroShotDataDir(), config.toString(), "test", out.toString(), true, decoding,
                    LabelOrder.DEFAULT, "cpu", "fp32"));
            JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
            double rate = run.at("/timing/sentences_per_second").asDouble();
            double generationRate = result.sentences() / (longestStageMillis[0] / 1e3);
            System.out.printf(Locale.ROOT, "%-9s %d sentences in %.1f s: %.2f sentences/s, %.0f output tokens/s"
                    + " (partitions %d, model loads %s, load average %.1f)%n"
                    + "          generation stage %.1f s: %.2f sentences/s; tasks %.1f CPU s, %.1f run s"
                    + " (run >> CPU: the tasks waited for a core)%n",
                    master, result.sentences(),
                    run.at("/timing/wall_seconds").asDouble(), rate,
                    run.at("/timing/output_tokens_per_second").asDouble(), run.at("/spark/partitions").asInt(),
                    result.modelLoads(), java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage(), longestStageMillis[0] / 1e3, generationRate, cpuNanos[0] / 1e9,
                    runMillis[0] / 1e3);
            return new double[] {rate, generationRate};
        } finally {
            spark.stop();
        }
    }

    /**
     * How many cores two CPU-bound threads actually get on this machine right now (2.0 on an idle
     * 2-core machine; less when other processes or a CPU quota take cores away).
     */
    private static double calibrateCores() throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpu = new long[2];
        Thread[] spinners = new Thread[2];
        long start = System.nanoTime();
        for (int t = 0; t < 2; t++) {
            int k = t;
            spinners[t] = new Thread(() -> {
                long c0 = threads.getCurrentThreadCpuTime();
                long x = 0;
                for (long i = 0; i < 1_000_000_000L; i++) {
                    x += i ^ (x >>> 3);
                }
                cpu[k] = threads.getCurrentThreadCpuTime() - c0 + (x == 42 ? 1 : 0);
            });
            spinners[t].start();
        }
        for (Thread t : spinners) {
            t.join();
        }
        double cores = (cpu[0] + cpu[1]) / (double) (System.nanoTime() - start);
        System.out.printf(Locale.ROOT, "calibration: two spinning threads got %.2f cores%n", cores);
        return cores;
    }

    /** Padded / real prompt tokens of the job's batches over {@code partitions} strided partitions. */
    private static void padding(Path model, int partitions) throws Exception {
        List<String> prompts = new ArrayList<>();
        for (DatasetConfig c : DatasetConfigs.parse(String.join(",", DATASETS))) {
            for (GnerExample e : GnerExamples.from(ConllReader.read(SharedData.zeroShotDataDir(), c.name(), "test"),
                    LabelOrder.DEFAULT, false)) {
                prompts.add(e.prompt());
            }
        }
        long real = 0;
        long sorted = 0;
        long unsorted = 0;
        try (ModelTokenizer tokenizer = ModelTokenizer.load(model)) {
            List<long[]> ids = tokenizer.encodeBatch(prompts);
            for (int p = 0; p < partitions; p++) {
                List<Integer> lengths = new ArrayList<>();
                for (int i = p; i < ids.size(); i += partitions) {
                    lengths.add(Math.min(InputLimit.T5_DEFAULT_MAX_INPUT_TOKENS, ids.get(i).length));
                }
                int[] l = lengths.stream().mapToInt(Integer::intValue).toArray();
                real += lengths.stream().mapToLong(Integer::longValue).sum();
                sorted += TokenBatches.paddedTokens(l, TokenBatches.plan(l, DecodingOptions.DEFAULT_BATCH_TOKENS, 1,
                        Integer.MAX_VALUE, true));
                unsorted += TokenBatches.paddedTokens(l, TokenBatches.plan(l, DecodingOptions.DEFAULT_BATCH_TOKENS,
                        1, Integer.MAX_VALUE, false));
            }
        }
        System.out.printf(Locale.ROOT, "padding waste, all %d test sentences of the 7 datasets, %d partition(s),"
                + " budget %d: length-sorted %.3f, input order %.3f (padded / real prompt tokens)%n", prompts.size(),
                partitions, DecodingOptions.DEFAULT_BATCH_TOKENS, (double) sorted / real, (double) unsorted / real);
    }
}
