package org.gner.spark;

import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.data.NerSentence;

/**
 * Writes {@code evaluate}'s predictions as GNER's prediction JSONL ({@link GnerJsonl}), one record per
 * sentence in input order, so GNER's {@code evaluate.py} and {@code gner score} read it. Nothing in it
 * depends on timing or partitioning: a rerun writes the same bytes. A sentence whose generation failed
 * has no {@code prediction}, which both scorers count as an error.
 */
final class JsonlExport {
    private JsonlExport() {}

    static void write(Dataset<Row> predictions, OutputDir out, String name) {
        String parts = out.child("_" + name + ".parts");
        predictions.select("order", "dataset", "split", "id", "words", "labels", "label_list", "prompt", "target",
                        "input_ids", "prediction")
                .repartition(1)
                .sortWithinPartitions("order")
                .map((MapFunction<Row, String>) JsonlExport::line, Encoders.STRING())
                .write()
                .text(parts);
        out.adoptSinglePart(parts, name);
    }

    static String line(Row r) {
        List<Integer> ids = r.getList(9);
        int[] inputIds = ids.stream().mapToInt(Integer::intValue).toArray();
        GnerRecord record = new GnerRecord(r.getString(1), r.getString(2), r.getList(6),
                new NerSentence(r.getString(3), r.getList(4), r.getList(5)), r.getString(7), r.getString(8),
                r.isNullAt(10) ? null : r.getString(10), inputIds);
        return GnerJsonl.toJson(record);
    }
}
