package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code jobs/cluster-test.sh}: a standalone master and two workers on 127.0.0.1, evaluate
 * submitted with the application jar, one model load per executor JVM. An integration test: Maven's
 * failsafe runs it in {@code mvn verify}, after {@code package} has built the application jar.
 * About 1.5 minutes.
 */
@Tag("cluster")
class StandaloneClusterIT {

    @TempDir
    Path tmp;

    @Test
    void evaluateOnTwoWorkersLoadsTheModelOncePerExecutor() throws Exception {
        assertTrue(freshAppJar().isPresent(), "no up-to-date target/gner-spark-*-app.jar: run mvn verify");
        Path model = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(1),
                TinyT5Checkpoints.Format.F32);
        Path log = tmp.resolve("cluster-test.log");
        ProcessBuilder pb = new ProcessBuilder("bash", "jobs/cluster-test.sh")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MODEL_DIR", model.toString());
        pb.environment().put("GNER_SHARED", SharedData.root().toString());
        Process process = pb.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy(); // the script's trap stops the daemons it started
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertTrue(finished, "cluster test timed out:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("PASSED"), output);
    }

    private static Optional<Path> freshAppJar() throws IOException {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        Optional<Path> jar;
        try (Stream<Path> files = Files.list(target)) {
            jar = files.filter(p -> p.getFileName().toString().matches("gner-spark-.*-app\\.jar")).findFirst();
        }
        if (jar.isEmpty()) {
            return jar;
        }
        long built = jar.get().toFile().lastModified();
        try (Stream<Path> classes = Files.walk(target.resolve("classes"))) {
            boolean stale = classes.map(Path::toFile).filter(File::isFile).anyMatch(f -> f.lastModified() > built);
            return stale ? Optional.empty() : jar;
        }
    }
}
