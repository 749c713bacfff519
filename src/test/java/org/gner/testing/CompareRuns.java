package org.gner.testing;

import io.delta.tables.DeltaTable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * For {@code jobs/cluster-test.sh --kill-executor}: compares an undisturbed run's output with a
 * disturbed one's, in a local Spark session. Prints one line per check and exits 1 when one fails.
 *
 * <ul>
 *   <li>{@code annotations <a> <b> <documents>}: two {@code annotations/} folders hold the same rows as
 *       sets, and every document (row number) exactly once in each;</li>
 *   <li>{@code delta <a> <b> <documents> <batches>}: two incremental tables hold the same rows (but
 *       {@code run_id}, {@code annotated_at} and the input folder in {@code source_file}), every document
 *       once, and one commit per batch each.</li>
 * </ul>
 */
public final class CompareRuns {
    private CompareRuns() {}

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("gner-compare-runs")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        boolean ok;
        try {
            ok = switch (args[0]) {
                case "annotations" -> compare(spark.read().parquet(args[1]), spark.read().parquet(args[2]),
                        Long.parseLong(args[3]), "row");
                case "delta" -> compare(table(spark, args[1]), table(spark, args[2]), Long.parseLong(args[3]), "id")
                        & commits(spark, args[1], Integer.parseInt(args[4]))
                        & commits(spark, args[2], Integer.parseInt(args[4]));
                default -> throw new IllegalArgumentException("unknown comparison " + args[0]);
            };
        } finally {
            spark.stop();
        }
        System.exit(ok ? 0 : 1);
    }

    /** The table's rows but what differs between runs by design: run id, time, the input folder's path. */
    private static Dataset<Row> table(SparkSession spark, String path) {
        return spark.read().format("delta").load(path).drop("run_id", "annotated_at")
                .withColumn("source_file", org.apache.spark.sql.functions.element_at(
                        org.apache.spark.sql.functions.split(org.apache.spark.sql.functions.col("source_file"), "/"),
                        -1));
    }

    private static boolean compare(Dataset<Row> a, Dataset<Row> b, long documents, String documentColumn) {
        List<String> columns = Arrays.asList(a.columns());
        Dataset<Row> bSame = b.selectExpr(columns.stream().map(c -> "`" + c + "`").toArray(String[]::new));
        long onlyA = a.exceptAll(bSame).count();
        long onlyB = bSame.exceptAll(a).count();
        long docsA = a.select(documentColumn).distinct().count();
        long docsB = b.select(documentColumn).distinct().count();
        boolean same = onlyA == 0 && onlyB == 0;
        boolean once = docsA == documents && docsB == documents;
        System.out.printf("rows %d vs %d, only in the first %d, only in the second %d: %s; documents %d and %d of %d:"
                + " %s%n", a.count(), b.count(), onlyA, onlyB, same ? "equal" : "DIFFERENT", docsA, docsB, documents,
                once ? "each once" : "MISSING OR EXTRA");
        return same && once;
    }

    /** One commit per batch after the table was created (version 0). */
    private static boolean commits(SparkSession spark, String path, int batches) {
        long commits = DeltaTable.forPath(spark, path).history().count() - 1;
        boolean ok = commits == batches;
        System.out.printf("%s: %d commits after its creation for %d batches: %s%n", path, commits, batches,
                ok ? "one per batch" : "WRONG");
        return ok;
    }
}
