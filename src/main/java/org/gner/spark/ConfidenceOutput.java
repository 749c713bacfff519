package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.gner.metrics.ConfidenceThresholds;
import org.gner.metrics.Entity;
import org.gner.metrics.EntityConfidence;

/**
 * {@code evaluate}'s entity-confidence outputs, from {@code predictions/}'s {@code predicted_entities}:
 * {@code thresholds/} (per dataset and threshold t = 0, 0.05, ..., 0.95: P / R / F1 of the entities with
 * confidence >= t) and, for metrics.json, the same table with each dataset's expected calibration error
 * and reliability bins. Counted per partition on the executors, merged on the driver.
 */
final class ConfidenceOutput {
    static final StructType THRESHOLDS_SCHEMA = MetricsOutput.scoredTable(List.of(
            createStructField("dataset", StringType, false), createStructField("threshold", DoubleType, false)),
            List.of());

    private ConfidenceOutput() {}

    static ConfidenceThresholds count(Dataset<Row> predictions) {
        return predictions.filter(col("error").isNull())
                .select(col("dataset"), col("gold"), col("predicted_entities"))
                .javaRDD()
                .aggregate(new ConfidenceThresholds(), ConfidenceOutput::addSentence, ConfidenceThresholds::merge);
    }

    private static ConfidenceThresholds addSentence(ConfidenceThresholds counts, Row r) {
        List<Row> entities = r.isNullAt(2) ? List.of() : r.getList(2);
        List<ConfidenceThresholds.Scored> scored = new ArrayList<>(entities.size());
        for (Row e : entities) {
            scored.add(new ConfidenceThresholds.Scored(Entity.normalized(e.getString(0), e.getString(1)),
                    e.isNullAt(4) ? null : e.getDouble(4), e.getBoolean(5)));
        }
        counts.add(r.getString(0), scored, r.getInt(1));
        return counts;
    }

    /** Writes {@code thresholds/}; returns metrics.json's {@code "confidence"} section. */
    static ObjectNode write(SparkSession spark, ConfidenceThresholds counts, List<String> datasets, double temperature,
            OutputDir out) {
        List<ConfidenceThresholds.Row> table = counts.rows(datasets);
        List<Row> rows = new ArrayList<>();
        for (ConfidenceThresholds.Row t : table) {
            rows.add(RowFactory.create(t.dataset(), t.threshold(), t.correct(), t.predicted(), t.gold(), t.precision(),
                    t.recall(), t.f1()));
        }
        spark.createDataFrame(rows, THRESHOLDS_SCHEMA).coalesce(1).write().parquet(out.child("thresholds"));
        ObjectNode root = new ObjectMapper().createObjectNode();
        ObjectNode confidence = root.putObject("confidence");
        confidence.put("label_temperature", temperature);
        confidence.put("aggregation", EntityConfidence.DEFAULT.name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode perDataset = confidence.putArray("datasets");
        for (ConfidenceThresholds.Calibration c : counts.calibration(datasets)) {
            ObjectNode d = perDataset.addObject();
            d.put("dataset", c.dataset());
            d.put("n_entities_with_confidence", c.entities());
            if (Double.isNaN(c.ece())) {
                d.putNull("ece");
            } else {
                d.put("ece", c.ece());
            }
            ArrayNode bins = d.putArray("reliability");
            for (int b = 0; b < ConfidenceThresholds.BINS; b++) {
                ObjectNode bin = bins.addObject();
                bin.put("from", b / (double) ConfidenceThresholds.BINS);
                bin.put("to", (b + 1) / (double) ConfidenceThresholds.BINS);
                bin.put("n", c.binCount()[b]);
                putNumber(bin, "mean_confidence", c.meanConfidence()[b]);
                putNumber(bin, "gold_rate", c.goldRate()[b]);
            }
            ArrayNode thresholds = d.putArray("thresholds");
            for (ConfidenceThresholds.Row t : table) {
                if (t.dataset().equals(c.dataset())) {
                    thresholds.addObject().put("threshold", t.threshold()).put("n_correct", t.correct())
                            .put("n_pred", t.predicted()).put("n_gold", t.gold()).put("precision", t.precision())
                            .put("recall", t.recall()).put("f1", t.f1());
                }
            }
        }
        return root;
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
