package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta Lake table of the incremental {@code annotate}: {@code annotations/}'s columns ({@code row}
 * being the document's position in its file) plus {@code source_file}, {@code content_sha256},
 * {@code run_id} and {@code annotated_at}; each (id, sentence) once. A batch is one Delta commit:
 * readers see all of it or nothing, and a batch replayed after a crash is skipped by Delta itself
 * ({@code txnAppId}/{@code txnVersion}).
 */
final class AnnotationTable {
    static final StructType SCHEMA;

    static {
        List<StructField> fields = new ArrayList<>(List.of(AnnotationSchema.SCHEMA.fields()));
        fields.add(createStructField("source_file", StringType, false));
        fields.add(createStructField("content_sha256", StringType, true));
        fields.add(createStructField("run_id", StringType, false));
        fields.add(createStructField("annotated_at", TimestampType, false));
        SCHEMA = new StructType(fields.toArray(StructField[]::new));
    }

    private final SparkSession spark;
    private final String path;

    AnnotationTable(SparkSession spark, String path) {
        this.spark = spark;
        this.path = path;
    }

    String path() {
        return path;
    }

    /** Creates the empty table (version 0) unless there is one; a folder holding something else is an error. */
    void ensureExists() {
        if (DeltaTable.isDeltaTable(spark, path)) {
            StructType existing = spark.read().format("delta").load(path).schema();
            java.util.Set<String> have = new java.util.HashSet<>(List.of(existing.fieldNames()));
            java.util.Set<String> want = new java.util.HashSet<>(List.of(SCHEMA.fieldNames()));
            if (have.equals(want) && entityFields(existing).equals(entityFields(SCHEMA))) {
                return;
            }
            java.util.Set<String> added = new java.util.HashSet<>(want);
            added.removeAll(have);
            if (want.containsAll(have) && added.equals(java.util.Set.of("low_confidence_entities"))) {
                // a table written before entity confidences: one metadata commit adds the new column and the
                // entities' confidence field (null in the rows already there)
                spark.createDataFrame(List.of(), SCHEMA).write().format("delta").mode("append")
                        .option("mergeSchema", "true").save(path);
                return;
            }
            throw new IllegalArgumentException(path + " is a Delta table with other columns than an annotation"
                    + " table's: " + String.join(", ", existing.fieldNames()));
        }
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            var fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(p) && java.util.Arrays.stream(fs.listStatus(p))
                    .anyMatch(s -> !s.getPath().getName().startsWith("_"))) {
                throw new IllegalArgumentException(path + " exists and is not a Delta table; choose another --output");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        spark.createDataFrame(List.of(), SCHEMA).write().format("delta").mode("append").save(path);
    }

    private static List<String> entityFields(StructType table) {
        return List.of(((StructType) ((org.apache.spark.sql.types.ArrayType) table.apply("entities").dataType())
                .elementType()).fieldNames());
    }

    long version() {
        return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
    }

    Dataset<Row> read() {
        return spark.read().format("delta").load(path);
    }

    /** Per id in the table: {@code (id, _old_sha, _old_error)}, whether any of its rows carries an error. */
    Dataset<Row> documents() {
        return read().groupBy("id").agg(first("content_sha256").as("_old_sha"),
                max(when(col("error").isNotNull(), lit(true)).otherwise(lit(false))).as("_old_error"));
    }

    /**
     * Writes one batch as one commit: the rows of {@code replacedIds} are deleted and {@code rows}
     * appended atomically; Delta skips the write when {@code (appId, batchId)} was committed before.
     */
    void writeBatch(Dataset<Row> rows, List<String> replacedIds, String appId, long batchId) {
        DataFrameWriter<Row> writer = rows.select(SCHEMA.fieldNames()[0], tail(SCHEMA.fieldNames())).write()
                .format("delta").option("txnAppId", appId).option("txnVersion", batchId);
        if (replacedIds.isEmpty()) {
            writer.mode("append").save(path);
            return;
        }
        // The new rows of new documents fall outside the predicate: they are appended in the same commit.
        spark.conf().set("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "false");
        writer.mode("overwrite").option("replaceWhere", idIn(replacedIds)).save(path);
    }

    /** {@code id IN ('a', 'b\'s', ...)} with Spark SQL string escapes. */
    static String idIn(List<String> ids) {
        StringBuilder sql = new StringBuilder("id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "'" : ", '").append(ids.get(i).replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return sql.append(')').toString();
    }

    private static String[] tail(String[] names) {
        return java.util.Arrays.copyOfRange(names, 1, names.length);
    }
}
