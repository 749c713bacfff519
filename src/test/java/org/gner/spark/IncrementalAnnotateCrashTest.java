package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL while it writes a batch: after a first run in this JVM, a child JVM runs
 * {@code gner annotate --incremental} on two new files; once one task of the batch has written its Parquet file into the table folder
 * (the other tasks held by {@link FaultInjection#maybeStall}), the test kills the JVM. Readers then
 * see the table as before the run, the orphan file is there but in no commit, and the next run (in
 * this JVM again) finishes the work: every document exactly once.
 */
class IncrementalAnnotateCrashTest {
    @TempDir
    Path tmp;

    @Test
    void aRunKilledMidWriteLeavesNoVisibleRowsAndTheNextRunFinishesTheWork() throws Exception {
        Path model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(31),
                TinyT5Checkpoints.Format.F32);
        Path in = tmp.resolve("in");
        Path table = tmp.resolve("table");
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> a = IncrementalCorpus.documents(100, 4);
        IncrementalCorpus.write(in.resolve("a.txt"), a);
        for (int i = 0; i < a.size(); i++) {
            expected.put("a.txt:" + (i + 1), a.get(i));
        }
        SparkSession spark = session();
        try {
            IncrementalAnnotateJob.run(spark, options(model, in, table));
            List<String> big = IncrementalCorpus.documents(200, 40);
            IncrementalCorpus.write(in.resolve("b.txt"), big.subList(0, 20));
            IncrementalCorpus.write(in.resolve("c.txt"), big.subList(20, 40));
            long versionBefore = new AnnotationTable(spark, table.toString()).version();
            IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
            List<Path> filesBefore = dataFiles(table);

            Path marker = tmp.resolve("stalled");
            Process killed = runChild(model, in, table, marker);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!(Files.exists(marker) && dataFiles(table).size() > filesBefore.size())) {
                assertTrue(killed.isAlive(), "the run ended before it could be killed");
                assertTrue(System.nanoTime() < deadline, "no batch write started");
                Thread.sleep(100);
            }
            killed.destroyForcibly(); // SIGKILL
            killed.waitFor();
            assertEquals(137, killed.exitValue(), "killed by SIGKILL");

            List<Path> orphans = new ArrayList<>(dataFiles(table));
            orphans.removeAll(filesBefore);
            assertTrue(!orphans.isEmpty(), "the killed run had written a data file");
            assertEquals(versionBefore, new AnnotationTable(spark, table.toString()).version(), "no commit");
            IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);

            IncrementalAnnotateJob.Result next = IncrementalAnnotateJob.run(spark, options(model, in, table));
            assertEquals(40, next.added(), "the killed batch is done again, whole");
            for (int i = 0; i < 20; i++) {
                expected.put("b.txt:" + (i + 1), big.get(i));
                expected.put("c.txt:" + (i + 1), big.get(20 + i));
            }
            IncrementalCorpus.assertTableHolds(spark, table.toString(), expected);
        } finally {
            spark.stop();
        }
    }

    private static IncrementalAnnotateJob.Options options(Path model, Path in, Path table) {
        return new IncrementalAnnotateJob.Options(new AnnotateJob.Options(model.toString(),
                AnnotateJob.parseLabels("person,location,organization"), in.toString(), "auto", "id", "text",
                table.toString(), false, new org.gner.generate.DecodingOptions(16, 1, 2048, 64, 0), "cpu", "fp32",
                IncrementalCorpus.MAX_WORDS, "delta"), 0, false);
    }

    private static SparkSession session() {
        var builder = SparkSession.builder().master("local[2]").appName("gner-crash-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1");
        SparkSessions.DELTA.forEach(builder::config);
        return builder.getOrCreate();
    }

    /** Parquet files of the table folder itself (not the log, the checkpoint or the run reports). */
    private static List<Path> dataFiles(Path table) throws IOException {
        if (!Files.isDirectory(table)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(table)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** {@code gner annotate --incremental} in a JVM of its own; with a marker, partitions 1+ stall. */
    private Process runChild(Path model, Path in, Path table, Path stallMarker) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || arg.startsWith("-Dai.djl")
                    || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dio.netty")) {
                command.add(arg);
            }
        }
        if (stallMarker != null) {
            command.add("-D" + FaultInjection.STALL_FROM + "=1");
            command.add("-D" + FaultInjection.STALL_MARKER + "=" + stallMarker);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.gner.cli.GnerCli");
        command.addAll(List.of("annotate", "--incremental", "--master", "local[2]", "--model", model.toString(),
                "--labels", "person,location,organization", "--input", in.toString(), "--output", table.toString(),
                "--max-words", String.valueOf(IncrementalCorpus.MAX_WORDS), "--max-new-tokens", "16"));
        File log = tmp.resolve("child.log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
