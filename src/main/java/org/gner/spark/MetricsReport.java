package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.LabelMetrics;

/**
 * Reduces per-sentence counts (rows of {@link ScoredSentenceSchema} without error) into GNER's
 * per-dataset and per-label tables. Counts are summed by Spark; P/R/F1 are computed once from the
 * exact integer totals, so the numbers equal GNER's {@code evaluate.py}. Datasets and labels keep
 * the order of their first appearance in the input, as GNER reports them.
 */
public record MetricsReport(List<DatasetMetrics> datasets, List<LabelMetrics> labels, List<Long> emptyOutputs,
        long errors) {

    public double averageF1() {
        return DatasetMetrics.averageF1(datasets);
    }

    static MetricsReport reduce(Dataset<Row> scored, long errors) {
        List<Row> rows = scored.groupBy("dataset")
                .agg(count(lit(1)).as("n"), sum("correct").as("c"), sum("predicted").as("p"),
                        sum("gold").as("g"), countOf("subsequence").as("sub"), countOf("lcs").as("lcs"),
                        countOf("empty").as("empty"), min(struct("source_index", "line")).as("first"))
                .orderBy("first")
                .collectAsList();
        List<DatasetMetrics> datasets = new ArrayList<>();
        List<Long> emptyOutputs = new ArrayList<>();
        for (Row r : rows) {
            datasets.add(DatasetMetrics.of(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
                    r.getLong(5), r.getLong(6)));
            emptyOutputs.add(r.getLong(7));
        }
        return new MetricsReport(datasets, labelTotals(scored), emptyOutputs, errors);
    }

    private static List<LabelMetrics> labelTotals(Dataset<Row> scored) {
        Dataset<Row> exploded = scored
                .select(col("dataset"), col("source_index"), col("line"),
                        posexplode(col("label_counts")).as(new String[] {"pos", "lc"}));
        Dataset<Row> datasetOrder = scored.groupBy("dataset")
                .agg(min(struct("source_index", "line")).as("dataset_first"));
        List<Row> rows = exploded.groupBy("dataset", "lc.label")
                .agg(sum("lc.correct").as("c"), sum("lc.predicted").as("p"), sum("lc.gold").as("g"),
                        min(struct("source_index", "line", "pos")).as("first"))
                .join(datasetOrder, "dataset")
                .orderBy("dataset_first", "first")
                .select("dataset", "label", "c", "p", "g")
                .collectAsList();
        List<LabelMetrics> result = new ArrayList<>();
        for (Row r : rows) {
            result.add(LabelMetrics.of(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
        }
        return result;
    }

    private static org.apache.spark.sql.Column countOf(String matchKind) {
        return sum(when(col("match_kind").equalTo(matchKind), 1L).otherwise(0L));
    }
}
