package org.gner.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.gner.annotate.LocalAnnotator;
import org.gner.annotate.TextAnnotation;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
import org.gner.model.ShippedModel;
import org.gner.spark.AnnotateJob;
import org.gner.spark.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GnerAnnotator with the shipped model in local[2]: the annotate job's entities, per-row labels, errors, I/O. */
class GnerAnnotatorTest {
    private static final List<String> LABELS = List.of("person", "organization", "location");
    private static final Path NEWS = Path.of("datasets/sample/news.txt");

    @TempDir
    static Path tmp;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("gner-annotator-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1");
        SparkSessions.DELTA.forEach(builder::config);
        spark = builder.getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> texts(List<String> lines) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            rows.add(RowFactory.create(i, lines.get(i)));
        }
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    private static GnerAnnotator annotator() {
        return new GnerAnnotator().setModel(ShippedModel.FOLDER).setLabels(LABELS.toArray(String[]::new));
    }

    /** id -> "text|label|start|end" of each entity, in text order. */
    private static Map<Integer, List<String>> entitiesById(Dataset<Row> annotated) {
        Map<Integer, List<String>> out = new TreeMap<>();
        for (Row r : annotated.collectAsList()) {
            List<Row> entities = r.getList(r.fieldIndex("entities"));
            out.put(r.getInt(r.fieldIndex("id")), entities.stream().map(e -> e.getString(0) + "|" + e.getString(1)
                    + "|" + e.getInt(2) + "|" + e.getInt(3)).toList());
        }
        return out;
    }

    @Test
    void givesTheAnnotateJobsEntitiesAndLocalAnnotatorsToo() throws Exception {
        List<String> lines = Files.readAllLines(NEWS);
        Dataset<Row> annotated = annotator().transform(texts(lines));
        assertEquals(List.of("id", "text", "entities", "gner_error"), List.of(annotated.columns()));
        Map<Integer, List<String>> ours = entitiesById(annotated);

        Path out = tmp.resolve("job");
        AnnotateJob.run(spark, new AnnotateJob.Options(ShippedModel.FOLDER, LABELS, NEWS.toString(), "text", "id",
                "text", out.toString(), false, new DecodingOptions(640, 1, 8192, Integer.MAX_VALUE, 0,
                        new Guidance(null, Guidance.Draft.INPUT, 0, true, Double.NaN)), "cpu", "fp32", 100));
        Map<Integer, List<String>> job = new TreeMap<>();
        for (Row r : spark.read().parquet(out.resolve("annotations").toString()).orderBy("row", "sentence")
                .collectAsList()) {
            List<String> entities = job.computeIfAbsent((int) r.getLong(0), k -> new ArrayList<>());
            for (Row e : r.<Row>getList(r.fieldIndex("entities"))) {
                entities.add(e.getString(0) + "|" + e.getString(1) + "|" + e.getInt(2) + "|" + e.getInt(3));
            }
        }
        assertEquals(job, ours);
        assertTrue(ours.values().stream().mapToInt(List::size).sum() >= 5, "entities: " + ours);

        LocalAnnotator local = LocalAnnotator.load(ShippedModel.FOLDER, LABELS);
        Map<Integer, List<String>> direct = new TreeMap<>();
        List<TextAnnotation> annotations = local.annotate(lines);
        for (int i = 0; i < lines.size(); i++) {
            direct.put(i, annotations.get(i).entities().stream()
                    .map(e -> e.text() + "|" + e.label() + "|" + e.start() + "|" + e.end()).toList());
        }
        assertEquals(ours, direct);
    }

    @Test
    void perRowLabelsEmptyTextsAndFailingRowsKeepTheirRows() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)
                .add("types", DataTypes.createArrayType(DataTypes.StringType));
        String text = "Barack Obama visited Paris and met Emmanuel Macron.";
        List<Row> rows = List.of(
                RowFactory.create(0, text, List.of("person").toArray()),
                RowFactory.create(1, text, List.of("location").toArray()),
                RowFactory.create(2, null, List.of("person").toArray()),
                RowFactory.create(3, "", List.of("person").toArray()),
                RowFactory.create(4, text, new String[] {" ", ""}),
                RowFactory.create(5, text, null));
        Dataset<Row> input = spark.createDataFrame(rows.stream().map(r -> RowFactory.create(r.get(0), r.get(1),
                r.get(2) == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(
                        Arrays.asList((Object[]) r.get(2))).toSeq())).toList(), schema).coalesce(1);
        List<Row> out = new GnerAnnotator().setModel(ShippedModel.FOLDER).setLabelsCol("types").transform(input)
                .collectAsList();
        assertEquals(List.of(0, 1, 2, 3, 4, 5), out.stream().map(r -> r.getInt(0)).toList());
        List<Row> persons = out.get(0).getList(3);
        List<Row> locations = out.get(1).getList(3);
        assertTrue(persons.stream().allMatch(e -> e.getString(1).equals("person")) && !persons.isEmpty(),
                "persons " + persons);
        assertTrue(locations.stream().allMatch(e -> e.getString(1).equals("location")) && !locations.isEmpty(),
                "locations " + locations);
        for (int i : new int[] {2, 3}) {
            assertEquals(List.of(), out.get(i).getList(3));
            assertNull(out.get(i).get(4));
        }
        for (int i : new int[] {4, 5}) {
            assertNull(out.get(i).get(3), "row " + i);
            assertTrue(out.get(i).getString(4).contains("no entity type"), out.get(i).getString(4));
        }
    }

    @Test
    void schemaErrorsNameTheColumnOrParam() {
        Dataset<Row> input = texts(List.of("Paris."));
        StructType schema = input.schema();
        String missing = assertThrows(IllegalArgumentException.class,
                () -> annotator().setInputCol("body").transformSchema(schema)).getMessage();
        assertTrue(missing.contains("inputCol 'body'"), missing);
        String type = assertThrows(IllegalArgumentException.class,
                () -> annotator().setInputCol("id").transformSchema(schema)).getMessage();
        assertTrue(type.contains("must be a string"), type);
        String exists = assertThrows(IllegalArgumentException.class,
                () -> annotator().setOutputCol("text").transformSchema(schema)).getMessage();
        assertTrue(exists.contains("'text' already exists"), exists);
        String neither = assertThrows(IllegalArgumentException.class,
                () -> new GnerAnnotator().transformSchema(schema)).getMessage();
        assertTrue(neither.contains("labels and labelsCol"), neither);
        String labelsCol = assertThrows(IllegalArgumentException.class,
                () -> new GnerAnnotator().setLabelsCol("text").transformSchema(schema)).getMessage();
        assertTrue(labelsCol.contains("labelsCol 'text' must be array<string>"), labelsCol);
        assertThrows(IllegalArgumentException.class, () -> annotator().setDecoding("greedy"));
    }

    @Test
    void pipelineSaveAndLoadKeepsEveryParamAndPinsTheModel() throws Exception {
        GnerAnnotator stage = annotator().setOutputCol("ner").setErrorCol("why").setMaxWords(40)
                .setMinConfidence(0.25).setDecoding("constrained").setDraft("none").setBatchTokens(4096);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(texts(List.of("Paris.")));
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        GnerAnnotator loaded = (GnerAnnotator) PipelineModel.load(path).stages()[0];
        assertEquals(stage.uid(), loaded.uid());
        assertEquals(Arrays.asList(stage.getLabels()), Arrays.asList(loaded.getLabels()));
        assertEquals("ner", loaded.getOutputCol());
        assertEquals("why", loaded.getErrorCol());
        assertEquals(40, loaded.getMaxWords());
        assertEquals(0.25, loaded.getMinConfidence());
        assertEquals("constrained", loaded.getDecoding());
        assertEquals("none", loaded.getDraft());
        assertEquals(4096, loaded.getBatchTokens());
        assertEquals(ShippedModel.FOLDER, loaded.getModel());
        assertEquals(org.gner.spark.ModelReference.inspect(ShippedModel.FOLDER).digest(), loaded.getModelDigest());
        assertEquals("", stage.getModelDigest()); // saving pins a copy, not the stage in use

        Dataset<Row> input = texts(List.of("Barack Obama visited Paris."));
        assertEquals(stage.transform(input).collectAsList(), loaded.transform(input).collectAsList());
        String moved = assertThrows(IllegalStateException.class,
                () -> loaded.copy(ParamMap.empty()).setModelDigest("0123").transform(input)).getMessage();
        assertTrue(moved.contains("saved with 0123"), moved);
        String alone = tmp.resolve("stage").toString();
        stage.write().overwrite().save(alone);
        GnerAnnotator reloaded = GnerAnnotator.load(alone);
        assertEquals(stage.getMaxWords(), reloaded.getMaxWords());
        assertEquals(loaded.getModelDigest(), reloaded.getModelDigest());
    }

    @Test
    void annotatesAStreamIntoADeltaTable() throws Exception {
        List<String> lines = Files.readAllLines(NEWS);
        Path inbox = Files.createDirectories(tmp.resolve("inbox"));
        Files.write(inbox.resolve("a.txt"), lines.subList(0, 2));
        Files.write(inbox.resolve("b.txt"), lines.subList(2, lines.size()));
        Dataset<Row> stream = spark.readStream().format("text").load(inbox.toString())
                .withColumnRenamed("value", "text");
        String table = tmp.resolve("table").toString();
        annotator().transform(stream).writeStream().format("delta")
                .option("checkpointLocation", tmp.resolve("checkpoint").toString())
                .trigger(Trigger.AvailableNow()).start(table).awaitTermination();

        Dataset<Row> written = spark.read().format("delta").load(table);
        assertEquals(lines.size(), written.count());
        Dataset<Row> batch = annotator().transform(texts(lines).drop("id"));
        assertEquals(sorted(batch.select("text", "entities", "gner_error")),
                sorted(written.select("text", "entities", "gner_error")));
    }

    /** Rows as text, entity confidences to 5 places (batches of other sizes move the last float bits). */
    private static List<String> sorted(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(r -> r.getString(0) + " " + r.getString(2) + " "
                + r.<Row>getList(1).stream().map(e -> e.getString(0) + "|" + e.getString(1) + "|" + e.getInt(2)
                        + "|" + e.getInt(3) + "|" + String.format("%.5f", e.getDouble(4))).toList())
                .sorted().toList();
    }
}
