package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.gner.annotate.EntityLabels;
import org.gner.generate.DecodingOptions;

/**
 * {@code annotate}: GNER over a corpus. Documents are segmented into sentences on the executors, each
 * sentence is labelled with the requested entity types, and entities are written with their character
 * offsets into the document. Every input row appears in the output.
 */
public final class AnnotateJob {

    /**
     * @param inputFormat auto, text, jsonl or parquet (see {@link AnnotateInput})
     * @param maxWords longest sentence given to the model, in words (longer ones are cut)
     * @param format   parquet or delta: how {@code annotations/} is written
     * @param minConfidence entities whose confidence is below it go to {@code low_confidence_entities}
     *     instead of {@code entities} (0: every entity stays)
     */
    public record Options(String model, List<String> labels, String input, String inputFormat, String idColumn,
            String textColumn, String output, boolean overwrite, DecodingOptions decoding, String device,
            String dtype, int maxWords, String format, double minConfidence) {

        public Options {
            if (!List.of("parquet", "delta").contains(format)) {
                throw new IllegalArgumentException("--format must be parquet or delta, not " + format);
            }
            if (!(minConfidence >= 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException("--min-confidence must be in [0, 1], not " + minConfidence);
            }
        }

        public Options(String model, List<String> labels, String input, String inputFormat, String idColumn,
                String textColumn, String output, boolean overwrite, DecodingOptions decoding, String device,
                String dtype, int maxWords, String format) {
            this(model, labels, input, inputFormat, idColumn, textColumn, output, overwrite, decoding, device, dtype,
                    maxWords, format, 0);
        }

        public Options(String model, List<String> labels, String input, String inputFormat, String idColumn,
                String textColumn, String output, boolean overwrite, DecodingOptions decoding, String device,
                String dtype, int maxWords) {
            this(model, labels, input, inputFormat, idColumn, textColumn, output, overwrite, decoding, device, dtype,
                    maxWords, "parquet");
        }

        Options withDecoding(DecodingOptions value) {
            return new Options(model, labels, input, inputFormat, idColumn, textColumn, output, overwrite, value,
                    device, dtype, maxWords, format, minConfidence);
        }
    }

    public record Result(long rows, long sentences, long entities, long errors, Map<String, Integer> modelLoads) {}

    private AnnotateJob() {}

    /** {@code "person, organization,person"} to {@code [person, organization]}. */
    public static List<String> parseLabels(String labels) {
        return EntityLabels.parse(labels);
    }

    public static Result run(SparkSession spark, Options given) {
        long started = System.nanoTime();
        ModelRun model = ModelRun.prepare(spark, given.model(), given.device(), given.dtype(), given.decoding());
        Options o = given.withDecoding(model.decoding());
        String format = AnnotateInput.detectFormat(spark, o.input(), o.inputFormat());
        JavaPairRDD<Long, Row> input = AnnotateInput.read(spark, o.input(), format, o.idColumn(), o.textColumn())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long rows = input.count();
            OutputDir out = OutputDir.prepare(spark, o.output(), o.overwrite());
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int partitions = StridedPartitioner.partitionsFor(jsc.defaultParallelism(), rows);
            DocumentAnnotation annotation = new DocumentAnnotation(model.spec(), o.labels(), o.maxWords(),
                    o.minConfidence(), model.done(), model.loads());
            JavaRDD<Row> annotated = input.repartitionAndSortWithinPartitions(new StridedPartitioner(partitions))
                    .mapPartitions(annotation::annotatePartition);
            // Sentences are only known once executors have segmented the documents: no total.
            try (JobProgress progress = JobProgress.start(jsc.sc(), "annotate", "sentences", -1, 5000)) {
                spark.createDataFrame(annotated, AnnotationSchema.SCHEMA)
                        .sortWithinPartitions("row", "sentence")
                        .write()
                        .format(o.format())
                        .save(out.child("annotations"));
            }

            Dataset<Row> written = o.format().equals("delta")
                    ? spark.read().format("delta").load(out.child("annotations"))
                    : spark.read().schema(AnnotationSchema.SCHEMA).parquet(out.child("annotations"));
            Row totals = written.agg(countDistinct("row").as("rows"), count(lit(1)).as("row_count"),
                    sum(when(col("entities").isNotNull(), size(col("entities"))).otherwise(0)).as("entities"),
                    sum(when(col("error").isNotNull(), 1L).otherwise(0L)).as("errors"),
                    sum(when(col("truncated"), 1L).otherwise(0L)).as("truncated"),
                    sum("output_tokens").as("output_tokens"),
                    sum(when(size(col("words")).gt(0), 1L).otherwise(0L)).as("sentences"),
                    sum("decoder_passes").as("passes"), sum("accepted_drafts").as("accepted")).first();
            long outRows = longOrZero(totals, "rows");
            if (outRows != rows) {
                throw new IllegalStateException(rows + " input rows but " + outRows + " annotated");
            }
            long sentences = longOrZero(totals, "sentences");
            long entities = longOrZero(totals, "entities");
            long errors = longOrZero(totals, "errors");
            long outputTokens = longOrZero(totals, "output_tokens");
            if (sentences > 0 && errors >= longOrZero(totals, "row_count")) {
                throw new IllegalStateException("every sentence failed, the model is unusable; first error: "
                        + written.filter(col("error").isNotNull()).orderBy("row").first().getAs("error"));
            }

            Map<String, Integer> modelLoads = model.modelLoads();
            RunReport run = model.report("annotate")
                    .passes(longOrZero(totals, "passes"), outputTokens, longOrZero(totals, "accepted"))
                    .spark(spark, partitions, model.loads().value());
            run.root().putObject("input")
                    .put("path", o.input())
                    .put("format", format)
                    .put("labels", String.join(",", o.labels()))
                    .put("max_words_per_sentence", o.maxWords());
            RunReport.confidence(run.root(), o.minConfidence(), model.checkpoint().dir());
            run.root().put("format", o.format());
            run.root().put("rows", rows).put("sentences", sentences).put("entities", entities)
                    .put("errors", errors).put("truncated", longOrZero(totals, "truncated"))
                    .put("output_tokens", outputTokens);
            run.timing(started, rows, sentences, outputTokens).write(out);
            return new Result(rows, sentences, entities, errors, modelLoads);
        } finally {
            input.unpersist(false);
        }
    }

    /** A count or sum read by its alias (null, for no rows, as 0); also the incremental job's. */
    static long longOrZero(Row totals, String field) {
        int i = totals.fieldIndex(field);
        return totals.isNullAt(i) ? 0 : ((Number) totals.get(i)).longValue();
    }
}
