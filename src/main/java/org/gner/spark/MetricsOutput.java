package org.gner.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.LabelMetrics;

/** Writes a {@link MetricsReport} as {@code metrics/}, {@code label_metrics/}, {@code metrics.json} and a table. */
public final class MetricsOutput {
    public static final StructType METRICS_SCHEMA = scoredTable(
            List.of(createStructField("dataset", StringType, false), createStructField("n_sentences", LongType, false)),
            List.of(createStructField("n_subsequence_match", LongType, false),
                    createStructField("n_lcs_match", LongType, false),
                    createStructField("n_empty_output", LongType, false)));

    public static final StructType LABEL_METRICS_SCHEMA = scoredTable(
            List.of(createStructField("dataset", StringType, false), createStructField("label", StringType, false)),
            List.of());

    /**
     * A table of GNER's counts and scores: {@code keys}, then {@code n_correct, n_pred, n_gold, precision,
     * recall, f1}, then {@code after}.
     */
    static StructType scoredTable(List<StructField> keys, List<StructField> after) {
        List<StructField> fields = new ArrayList<>(keys);
        fields.addAll(List.of(
                createStructField("n_correct", LongType, false),
                createStructField("n_pred", LongType, false),
                createStructField("n_gold", LongType, false),
                createStructField("precision", DoubleType, false),
                createStructField("recall", DoubleType, false),
                createStructField("f1", DoubleType, false)));
        fields.addAll(after);
        return createStructType(fields);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsOutput() {}

    public static void write(SparkSession spark, MetricsReport report, OutputDir out) {
        write(spark, report, out, null);
    }

    /** {@link #write}, with {@code extra}'s fields (when not null) added to metrics.json after GNER's own. */
    public static void write(SparkSession spark, MetricsReport report, OutputDir out, ObjectNode extra) {
        List<Row> metrics = new ArrayList<>();
        for (int i = 0; i < report.datasets().size(); i++) {
            DatasetMetrics d = report.datasets().get(i);
            metrics.add(RowFactory.create(d.dataset(), d.sentences(), d.correct(), d.predicted(), d.gold(),
                    d.precision(), d.recall(), d.f1(), d.subsequenceMatches(), d.lcsMatches(),
                    report.emptyOutputs().get(i)));
        }
        spark.createDataFrame(metrics, METRICS_SCHEMA).coalesce(1).write().parquet(out.child("metrics"));
        List<Row> labels = new ArrayList<>();
        for (LabelMetrics l : report.labels()) {
            labels.add(RowFactory.create(l.dataset(), l.label(), l.correct(), l.predicted(), l.gold(),
                    l.precision(), l.recall(), l.f1()));
        }
        spark.createDataFrame(labels, LABEL_METRICS_SCHEMA).coalesce(1).write().parquet(out.child("label_metrics"));
        out.writeText("metrics.json", json(report, extra));
    }

    /**
     * {@code {"datasets": [...], "average_f1": ..., "n_errors": ...}} in first-appearance order; Jackson
     * writes doubles with {@code Double.toString}, which reads back to the same double.
     */
    public static String json(MetricsReport report) {
        return json(report, null);
    }

    static String json(MetricsReport report, ObjectNode extra) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode datasets = root.putArray("datasets");
        for (DatasetMetrics d : report.datasets()) {
            ObjectNode n = datasets.addObject();
            n.put("dataset", d.dataset());
            n.put("n_sentences", d.sentences());
            n.put("n_correct", d.correct());
            n.put("n_pred", d.predicted());
            n.put("n_gold", d.gold());
            n.put("precision", d.precision());
            n.put("recall", d.recall());
            n.put("f1", d.f1());
        }
        root.put("average_f1", report.averageF1());
        root.put("n_errors", report.errors());
        if (extra != null) {
            root.setAll(extra);
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void printTable(MetricsReport report, PrintStream out) {
        int width = Math.max(9, report.datasets().stream().mapToInt(d -> d.dataset().length()).max().orElse(0));
        String row = "%-" + width + "s %9s %9s %9s %9s %6s %6s%n";
        out.printf(Locale.ROOT, row, "dataset", "sentences", "precision", "recall", "f1", "subseq", "lcs");
        for (DatasetMetrics d : report.datasets()) {
            out.printf(Locale.ROOT, row, d.dataset(), d.sentences(), pct(d.precision()), pct(d.recall()),
                    pct(d.f1()), d.subsequenceMatches(), d.lcsMatches());
        }
        out.printf(Locale.ROOT, row, "average", "", "", "", pct(report.averageF1()), "", "");
        if (report.errors() > 0) {
            out.printf(Locale.ROOT, "%d input record(s) could not be scored: see errors/%n", report.errors());
        }
    }

    private static String pct(double value) {
        return String.format(Locale.ROOT, "%.2f", 100 * value);
    }
}
