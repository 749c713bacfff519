package org.gner.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.data.TextSegmenter;
import org.gner.testing.SharedData;

/** Real documents (CoNLL-2003 test sentences, words joined by spaces) and the table invariants. */
final class IncrementalCorpus {
    static final int MAX_WORDS = 12;

    private IncrementalCorpus() {}

    /** Documents {@code from .. from + n} of CoNLL-2003's test split, one sentence each. */
    static List<String> documents(int from, int n) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String line : Files.readAllLines(SharedData.path("datasets/supervised/conll2003/test.txt"),
                StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                if (!words.isEmpty()) {
                    out.add(String.join(" ", words));
                    words.clear();
                }
                if (out.size() >= from + n) {
                    break;
                }
                continue;
            }
            words.add(line.split("\t")[0]);
        }
        return out.subList(from, from + n);
    }

    /** Rows a document gets: one per sentence, one for a document without words. */
    static int rowsOf(String text) {
        return Math.max(1, new TextSegmenter(MAX_WORDS).segment(text).size());
    }

    static Path write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Each (id, sentence) once; the rows are exactly the sentences of {@code expected} (id to text). */
    static void assertTableHolds(SparkSession spark, String table, java.util.Map<String, String> expected) {
        List<Row> rows = spark.read().format("delta").load(table).select("id", "sentence").collectAsList();
        java.util.Map<String, Integer> perId = new java.util.HashMap<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Row r : rows) {
            String key = r.getString(0) + "#" + r.getInt(1);
            if (!keys.add(key)) {
                throw new AssertionError("(id, sentence) twice: " + key);
            }
            perId.merge(r.getString(0), 1, Integer::sum);
        }
        java.util.Map<String, Integer> want = new java.util.HashMap<>();
        expected.forEach((id, text) -> want.put(id, text == null ? 1 : rowsOf(text)));
        if (!want.equals(perId)) {
            throw new AssertionError("rows per id: expected " + new java.util.TreeMap<>(want) + " but the table has "
                    + new java.util.TreeMap<>(perId));
        }
    }
}
