package org.gner.spark;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code score}: GNER's "quick reproduction" as a Spark job. Executors parse prediction lines and
 * count entities per sentence; the counts are reduced per dataset and per label.
 */
public final class ScoreJob {

    /**
     * @param predictions a GNER prediction JSONL file, or a folder whose files are read in name order
     * @param tokenizer {@code tokenizer.json} (or a model folder holding it) for GNER's
     *     back-tokenization; null compares words as they are
     */
    public record Options(String predictions, java.nio.file.Path tokenizer, String output, boolean overwrite,
            boolean failOnError) {}

    private ScoreJob() {}

    public static MetricsReport run(SparkSession spark, Options options) {
        List<String> sources = InputFiles.list(spark, options.predictions(), "predictions");
        String tokenizerFile = shipTokenizer(spark, options.tokenizer());
        OutputDir out = OutputDir.prepare(spark, options.output(), options.overwrite());

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = null;
        for (int i = 0; i < sources.size(); i++) {
            PredictionScoring scoring = new PredictionScoring(i, sources.get(i), tokenizerFile);
            JavaRDD<Row> scored = jsc.textFile(sources.get(i)).mapPartitionsWithIndex(scoring::scoreSplit, true);
            rows = rows == null ? scored : rows.union(scored);
        }
        // The input is read once: the pass that counts each split's rows for the line numbers fills
        // this cache, and everything after reads it.
        Dataset<Row> scoring = spark.createDataFrame(rows, ScoredSentenceSchema.SCORING)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            SplitLineNumbers.Numbered numbered = SplitLineNumbers.number(scoring);
            Dataset<Row> sentences = numbered.sentences();
            Dataset<Row> errors = sentences.filter(col("error").isNotNull())
                    .select("source", "line", "dataset", "error");
            long errorCount = numbered.errors();
            if (errorCount > 0 && options.failOnError()) {
                Row first = errors.orderBy("source", "line").first();
                throw new IllegalArgumentException(errorCount + " malformed record(s); first: " + first.getString(0)
                        + ":" + first.getLong(1) + ": " + first.getString(3));
            }
            errors.coalesce(1).write().parquet(out.child("errors"));
            Dataset<Row> scored = sentences.filter(col("error").isNull());
            scored.drop("error").write().parquet(out.child("sentences"));
            MetricsReport report = MetricsReport.reduce(scored, errorCount);
            MetricsOutput.write(spark, report, out);
            return report;
        } finally {
            scoring.unpersist();
        }
    }

    /**
     * Registers the tokenizer (and its {@code tokenizer_config.json}) with Spark so every executor gets
     * a local copy; returns the name executors resolve with {@code SparkFiles.get}.
     */
    static String shipTokenizer(SparkSession spark, java.nio.file.Path tokenizer) {
        if (tokenizer == null) {
            return null;
        }
        java.nio.file.Path json = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("tokenizer not found: " + json);
        }
        spark.sparkContext().addFile(json.toAbsolutePath().toString());
        java.nio.file.Path config = json.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            spark.sparkContext().addFile(config.toAbsolutePath().toString());
        }
        return json.getFileName().toString();
    }
}
