package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.spark.sql.Row;
import org.gner.generate.LabelTemperature;
import org.apache.spark.sql.SparkSession;
import org.gner.generate.DecodingOptions;
import org.gner.prompt.LabelOrder;
import scala.Tuple2;

/**
 * {@code evaluate}: GNER's zero-shot evaluation as a Spark job. Executors read the datasets, build the
 * prompts, generate (model loaded once per executor JVM), structure and count; Spark sums the counts
 * into the same metrics as {@code score}. The driver holds label lists, counts and the metrics only.
 */
public final class EvaluateJob {

    /**
     * @param dataDir GNER data folder ({@code <dataset>/<split>.txt} + {@code label.txt}) on a file system
     *        the executors see too ({@code label.txt} is read by the driver, the splits by executors)
     * @param datasets a dataset-config JSON or comma-separated dataset names
     */
    public record Options(String model, Path dataDir, String datasets, String split, String output,
            boolean overwrite, DecodingOptions decoding, LabelOrder labelOrder, String device, String dtype) {

        Options withDecoding(DecodingOptions value) {
            return new Options(model, dataDir, datasets, split, output, overwrite, value, labelOrder, device, dtype);
        }
    }

    public record Result(MetricsReport metrics, long sentences, long errors, long truncated,
            Map<String, Integer> modelLoads) {}

    private EvaluateJob() {}

    public static Result run(SparkSession spark, Options given) {
        long started = System.nanoTime();
        ModelRun model = ModelRun.prepare(spark, given.model(), given.device(), given.dtype(), given.decoding());
        Options o = given.withDecoding(model.decoding());
        EvaluationInput input = EvaluationInput.read(spark, o.dataDir(), o.datasets(), o.split(), o.labelOrder());
        OutputDir out = OutputDir.prepare(spark, o.output(), o.overwrite());

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = StridedPartitioner.partitionsFor(jsc.defaultParallelism(), input.size());
        SentenceEvaluation evaluation = new SentenceEvaluation(model.spec(), model.done(), model.loads());

        JavaRDD<Row> evaluated = input.rows()
                .mapToPair(r -> new Tuple2<>(r.order(), r))
                .repartitionAndSortWithinPartitions(new StridedPartitioner(partitions))
                .values()
                .mapPartitions(evaluation::evaluatePartition);
        try (JobProgress progress = JobProgress.start(jsc.sc(), "evaluate", "sentences", input.size(), 5000)) {
            spark.createDataFrame(evaluated, PredictionSchema.SCHEMA)
                    .sortWithinPartitions("dataset", "order")
                    .write()
                    .partitionBy("dataset")
                    .parquet(out.child("predictions"));
        }

        Dataset<Row> predictions = spark.read().schema(PredictionSchema.SCHEMA).parquet(out.child("predictions"));
        Totals totals = Totals.of(predictions);
        if (totals.rows() != input.size()) {
            throw new IllegalStateException(input.size() + " sentences in but " + totals.rows() + " predictions out");
        }
        if (totals.rows() > 0 && totals.errors() == totals.rows()) {
            String first = predictions.filter(col("error").isNotNull()).orderBy("order").first().getAs("error");
            throw new IllegalStateException("every sentence failed, the model is unusable; first error: " + first);
        }
        Dataset<Row> scored = predictions.filter(col("error").isNull())
                .select(lit(0).as("source_index"), col("order").as("line"), col("dataset"), col("correct"),
                        col("predicted"), col("gold"), col("match_kind"), col("label_counts"));
        MetricsReport report = MetricsReport.reduce(scored, totals.errors());
        List<String> datasetOrder = report.datasets().stream().map(d -> d.dataset()).toList();
        ObjectNode confidence = ConfidenceOutput.write(spark, ConfidenceOutput.count(predictions), datasetOrder,
                LabelTemperature.of(model.checkpoint().dir()), out);
        MetricsOutput.write(spark, report, out, confidence);
        JsonlExport.write(predictions, out, "predictions.jsonl");

        RunReport run = model.report("evaluate")
                .passes(totals.passes(), totals.outputTokens(), totals.accepted())
                .spark(spark, partitions, model.loads().value());
        run.root().putObject("data")
                .put("data_dir", o.dataDir().toString())
                .put("datasets", o.datasets())
                .put("split", o.split())
                .put("label_order", o.labelOrder().toString())
                .put("seed", o.labelOrder().seed());
        run.root().put("sentences", totals.rows()).put("errors", totals.errors()).put("truncated", totals.truncated())
                .put("input_tokens", totals.inputTokens()).put("output_tokens", totals.outputTokens());
        run.timing(started, totals.rows(), totals.rows(), totals.outputTokens()).write(out);
        return new Result(report, totals.rows(), totals.errors(), totals.truncated(),
                model.modelLoads());
    }

    /** What {@code predictions/} holds, summed in one pass. */
    private record Totals(long rows, long errors, long truncated, long inputTokens, long outputTokens, long passes,
            long accepted) {
        static Totals of(Dataset<Row> predictions) {
            Row r = predictions.agg(count(lit(1)), sum(when(col("error").isNotNull(), 1L).otherwise(0L)),
                    sum(when(col("truncated"), 1L).otherwise(0L)), sum("input_tokens"), sum("output_tokens"),
                    sum("decoder_passes"), sum("accepted_drafts")).first();
            return r.getLong(0) == 0 ? new Totals(0, 0, 0, 0, 0, 0, 0)
                    : new Totals(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5),
                            r.getLong(6));
        }
    }
}
