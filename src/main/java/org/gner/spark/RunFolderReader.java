package org.gner.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.metrics.DatasetMetrics;
import org.gner.metrics.LabelMetrics;
import org.gner.report.DatasetSentences;
import org.gner.report.EvaluatedRun;
import org.gner.report.OutputQuality;
import org.gner.report.RunSummary;
import org.gner.report.SentenceCounts;

/**
 * Reads an {@code evaluate} or {@code score} output folder for the report: {@code metrics.json} (the
 * numbers shown), {@code metrics/}, {@code label_metrics/}, {@code run.json} when present, and the
 * per-sentence counts ({@code predictions/} or {@code sentences/}), of which only the counts, the id
 * and a hash of the words reach the driver; example sentences are fetched later by position.
 */
final class RunFolderReader {
    static final String EVALUATE = "evaluate";
    static final String SCORE = "score";
    /** A score run's sentence position: source file index in the high bits, line number below. */
    private static final long LINE_BITS = 1L << 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFolderReader() {}

    static EvaluatedRun read(SparkSession spark, Path folder, String name) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("run folder " + folder + " does not exist or is not a folder");
        }
        String kind = Files.isDirectory(folder.resolve("predictions")) ? EVALUATE
                : Files.isDirectory(folder.resolve("sentences")) ? SCORE : null;
        if (kind == null) {
            throw new IllegalArgumentException("run folder " + folder + " has neither predictions/ (an evaluate run)"
                    + " nor sentences/ (a score run; a score output written before score wrote sentences/ must be"
                    + " scored again)");
        }
        JsonNode metrics = readJson(folder.resolve("metrics.json"), true);
        JsonNode runJson = readJson(folder.resolve("run.json"), false);
        Map<String, long[]> matching = matchingCounts(spark, folder);
        List<DatasetMetrics> datasets = new ArrayList<>();
        for (JsonNode d : required(metrics, "datasets", folder.resolve("metrics.json"))) {
            String dataset = d.path("dataset").asText();
            long[] m = matching.getOrDefault(dataset, new long[3]);
            datasets.add(new DatasetMetrics(dataset, d.path("n_sentences").asLong(), d.path("n_correct").asLong(),
                    d.path("n_pred").asLong(), d.path("n_gold").asLong(), d.path("precision").asDouble(),
                    d.path("recall").asDouble(), d.path("f1").asDouble(), m[0], m[1]));
        }
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException(folder.resolve("metrics.json") + " lists no datasets");
        }
        SentenceTable sentences = kind.equals(EVALUATE) ? evaluateSentences(spark, folder) : scoreSentences(spark, folder);
        Map<String, DatasetSentences> byDataset = sentences.byDataset();
        Map<String, OutputQuality> quality = new LinkedHashMap<>();
        for (DatasetMetrics d : datasets) {
            DatasetSentences s = byDataset.get(d.dataset());
            checkCounts(folder, kind, d, s);
            long[] m = matching.getOrDefault(d.dataset(), new long[3]);
            quality.put(d.dataset(), new OutputQuality(d.dataset(), d.sentences(), m[0], m[1], m[2],
                    kind.equals(EVALUATE) ? sentences.truncated().getOrDefault(d.dataset(), 0L) : -1,
                    sentences.errors().getOrDefault(d.dataset(), 0L)));
        }
        String runName = name != null ? name : defaultName(folder, runJson);
        return new EvaluatedRun(runName, folder.toString(), kind, summary(runJson), datasets,
                metrics.path("average_f1").asDouble(), metrics.path("n_errors").asLong(), labels(spark, folder),
                quality, byDataset, confidence(metrics));
    }

    /** metrics.json's {@code confidence} section (evaluate writes it), or null. */
    static org.gner.report.RunConfidence confidence(JsonNode metrics) {
        JsonNode c = metrics.path("confidence");
        if (!c.isObject()) {
            return null;
        }
        List<org.gner.report.RunConfidence.DatasetCalibration> datasets = new ArrayList<>();
        for (JsonNode d : c.path("datasets")) {
            List<org.gner.report.RunConfidence.Bin> bins = new ArrayList<>();
            for (JsonNode b : d.path("reliability")) {
                bins.add(new org.gner.report.RunConfidence.Bin(b.path("from").asDouble(), b.path("to").asDouble(),
                        b.path("n").asLong(), jsonNumber(b.path("mean_confidence")), jsonNumber(b.path("gold_rate"))));
            }
            List<org.gner.report.RunConfidence.ThresholdPoint> points = new ArrayList<>();
            for (JsonNode t : d.path("thresholds")) {
                points.add(new org.gner.report.RunConfidence.ThresholdPoint(t.path("threshold").asDouble(),
                        t.path("precision").asDouble(), t.path("recall").asDouble(), t.path("f1").asDouble()));
            }
            datasets.add(new org.gner.report.RunConfidence.DatasetCalibration(d.path("dataset").asText(),
                    d.path("n_entities_with_confidence").asLong(), jsonNumber(d.path("ece")), bins, points));
        }
        return new org.gner.report.RunConfidence(c.path("label_temperature").asDouble(1),
                c.path("aggregation").asText(""), datasets);
    }

    private static double jsonNumber(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** The model id from {@code run.json}, else the folder name. */
    static String defaultName(Path folder, JsonNode runJson) {
        String id = runJson == null ? "" : runJson.path("model").path("id").asText("");
        if (!id.isBlank()) {
            return id;
        }
        Path file = folder.toAbsolutePath().normalize().getFileName();
        return file == null ? folder.toString() : file.toString();
    }

    private static void checkCounts(Path folder, String kind, DatasetMetrics d, DatasetSentences s) {
        String part = kind.equals(EVALUATE) ? "predictions/" : "sentences/";
        if (s == null) {
            throw new IllegalArgumentException(folder + ": " + part + " holds no sentence of dataset " + d.dataset()
                    + " listed in metrics.json");
        }
        long c = Arrays.stream(s.counts().correct()).asLongStream().sum();
        long p = Arrays.stream(s.counts().predicted()).asLongStream().sum();
        long g = Arrays.stream(s.counts().gold()).asLongStream().sum();
        if (s.size() != d.sentences() || c != d.correct() || p != d.predicted() || g != d.gold()) {
            throw new IllegalArgumentException(folder + ": " + part + " of " + d.dataset() + " (" + s.size()
                    + " sentences, correct/predicted/gold " + c + "/" + p + "/" + g + ") does not match metrics.json ("
                    + d.sentences() + ", " + d.correct() + "/" + d.predicted() + "/" + d.gold() + ")");
        }
    }

    private record SentenceTable(Map<String, DatasetSentences> byDataset, Map<String, Long> truncated,
            Map<String, Long> errors) {}

    private static SentenceTable evaluateSentences(SparkSession spark, Path folder) {
        Dataset<Row> rows = parquet(spark, folder, "predictions");
        List<Row> light = rows.select(col("dataset"), col("order").as("position"), col("id"),
                xxhash64(col("words")).as("words_hash"), col("correct"), col("predicted"), col("gold"),
                col("truncated"), col("error").isNotNull().as("failed")).collectAsList();
        Map<String, Long> truncated = new HashMap<>();
        Map<String, Long> errors = new HashMap<>();
        List<Row> scored = new ArrayList<>();
        for (Row r : light) {
            if (r.getBoolean(7)) {
                truncated.merge(r.getString(0), 1L, Long::sum);
            }
            if (r.getBoolean(8)) {
                errors.merge(r.getString(0), 1L, Long::sum);
            } else {
                scored.add(r);
            }
        }
        return new SentenceTable(group(scored), truncated, errors);
    }

    private static SentenceTable scoreSentences(SparkSession spark, Path folder) {
        Dataset<Row> rows = parquet(spark, folder, "sentences");
        List<Row> light = rows.select(col("dataset"), position(), col("id"), xxhash64(col("words")).as("words_hash"),
                col("correct"), col("predicted"), col("gold")).collectAsList();
        Map<String, Long> errors = new HashMap<>();
        if (Files.isDirectory(folder.resolve("errors"))) {
            for (Row r : parquet(spark, folder, "errors").groupBy("dataset").count().collectAsList()) {
                errors.put(r.isNullAt(0) ? "(unknown dataset)" : r.getString(0), r.getLong(1));
            }
        }
        return new SentenceTable(group(light), Map.of(), errors);
    }

    private static Column position() {
        return col("source_index").cast("long").multiply(lit(LINE_BITS)).plus(col("line")).as("position");
    }

    /** Rows {@code dataset, position, id, words_hash, correct, predicted, gold} to per-dataset arrays. */
    private static Map<String, DatasetSentences> group(List<Row> rows) {
        Map<String, List<Row>> byDataset = new LinkedHashMap<>();
        for (Row r : rows) {
            byDataset.computeIfAbsent(r.getString(0), d -> new ArrayList<>()).add(r);
        }
        Map<String, DatasetSentences> result = new HashMap<>();
        byDataset.forEach((dataset, list) -> {
            list.sort((a, b) -> Long.compare(a.getLong(1), b.getLong(1)));
            int n = list.size();
            String[] keys = new String[n];
            long[] positions = new long[n];
            int[] c = new int[n];
            int[] p = new int[n];
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                Row r = list.get(i);
                positions[i] = r.getLong(1);
                keys[i] = r.getString(2) + '\u001f' + r.getLong(3);
                c[i] = r.getInt(4);
                p[i] = r.getInt(5);
                g[i] = r.getInt(6);
            }
            result.put(dataset, new DatasetSentences(dataset, keys, positions, new SentenceCounts(c, p, g)));
        });
        return result;
    }

    /** An example sentence's words, gold and predicted labels and match kind. */
    record SentenceText(List<String> words, List<String> gold, List<String> predicted, String matchKind) {}

    /** The sentences at the given positions, keyed by dataset and position. */
    static Map<String, Map<Long, SentenceText>> fetch(SparkSession spark, EvaluatedRun run,
            Map<String, List<Long>> positions) {
        Map<String, Map<Long, SentenceText>> result = new HashMap<>();
        if (positions.values().stream().allMatch(List::isEmpty)) {
            return result;
        }
        Path folder = Path.of(run.folder());
        boolean evaluate = run.kind().equals(EVALUATE);
        Dataset<Row> rows = parquet(spark, folder, evaluate ? "predictions" : "sentences");
        Column position = evaluate ? col("order").as("position") : position();
        Dataset<Row> selected = rows.select(col("dataset"), position, col("words"), col("labels"),
                col("predicted_labels"), col("match_kind"));
        Column wanted = lit(false);
        for (Map.Entry<String, List<Long>> e : positions.entrySet()) {
            if (!e.getValue().isEmpty()) {
                wanted = wanted.or(col("dataset").equalTo(e.getKey()).and(col("position").isin(e.getValue().toArray())));
            }
        }
        for (Row r : selected.filter(wanted).collectAsList()) {
            result.computeIfAbsent(r.getString(0), d -> new HashMap<>()).put(r.getLong(1),
                    new SentenceText(r.getList(2), r.getList(3), r.getList(4), r.getString(5)));
        }
        return result;
    }

    private static Map<String, long[]> matchingCounts(SparkSession spark, Path folder) {
        Map<String, long[]> result = new HashMap<>();
        if (!Files.isDirectory(folder.resolve("metrics"))) {
            return result;
        }
        for (Row r : parquet(spark, folder, "metrics")
                .select("dataset", "n_subsequence_match", "n_lcs_match", "n_empty_output").collectAsList()) {
            result.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
        }
        return result;
    }

    private static List<LabelMetrics> labels(SparkSession spark, Path folder) {
        if (!Files.isDirectory(folder.resolve("label_metrics"))) {
            return List.of();
        }
        List<LabelMetrics> result = new ArrayList<>();
        for (Row r : parquet(spark, folder, "label_metrics")
                .select("dataset", "label", "n_correct", "n_pred", "n_gold", "precision", "recall", "f1")
                .collectAsList()) {
            result.add(new LabelMetrics(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
                    r.getDouble(5), r.getDouble(6), r.getDouble(7)));
        }
        return result;
    }

    private static RunSummary summary(JsonNode run) {
        if (run == null) {
            return RunSummary.unknown();
        }
        JsonNode decoding = run.path("decoding");
        JsonNode timing = run.path("timing");
        String id = run.path("model").path("id").asText(null);
        String mode = decoding.path("mode").asText(null);
        if (mode != null && decoding.hasNonNull("draft")) {
            mode = mode + ", draft " + decoding.path("draft").asText() + " (k " + (decoding.path("draft_tokens").asInt()
                    == 0 ? "adaptive" : decoding.path("draft_tokens").asText()) + ")";
        }
        return new RunSummary(id, mode, integer(decoding.path("num_beams")),
                null, number(timing.path("sentences_per_second")),
                number(timing.path("output_tokens_per_second")),
                number(decoding.path("passes_per_output_token")));
    }

    private static Integer integer(JsonNode n) {
        return n.isNumber() ? n.asInt() : null;
    }

    private static Double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }

    private static Dataset<Row> parquet(SparkSession spark, Path folder, String child) {
        Path path = folder.resolve(child);
        try {
            return spark.read().parquet(path.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + path + " as Parquet: " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new IllegalArgumentException(file + " not found: not an evaluate or score output folder");
            }
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode root, String field, Path file) {
        JsonNode n = root.path(field);
        if (!n.isArray()) {
            throw new IllegalArgumentException(file + " has no '" + field + "' array");
        }
        return n;
    }
}
