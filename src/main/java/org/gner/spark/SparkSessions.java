package org.gner.spark;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the job's SparkSession. The master comes from {@code --master}, else from
 * {@code spark-submit} (which sets {@code spark.master}), else it is the embedded {@code local[*]}.
 * Properties from {@code $GNER_CONF_DIR/spark-defaults.conf} fill in whatever is not set already, and
 * Delta Lake's SQL extension and catalog (for the annotation table) last.
 */
public final class SparkSessions {
    public static final String EMBEDDED_MASTER = "local[*]";
    /** What Delta Lake needs in a session; {@code conf/spark-defaults.conf} carries the same for spark-submit. */
    public static final java.util.Map<String, String> DELTA = java.util.Map.of(
            "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

    private SparkSessions() {}

    public static SparkSession create(String appName, String masterOrNull) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (masterOrNull != null && !masterOrNull.isBlank()) {
            conf.setMaster(masterOrNull);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(EMBEDDED_MASTER);
        }
        defaults().forEach((key, value) -> conf.setIfMissing((String) key, (String) value));
        DELTA.forEach(conf::setIfMissing);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** spark-defaults.conf syntax: {@code key value} or {@code key=value} lines, # comments. */
    static Properties defaults() {
        Properties props = new Properties();
        String dir = System.getenv("GNER_CONF_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("gner.conf.dir");
        }
        if (dir == null || dir.isBlank()) {
            return props;
        }
        Path file = Path.of(dir, "spark-defaults.conf");
        if (!Files.isRegularFile(file)) {
            return props;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return props;
    }
}
