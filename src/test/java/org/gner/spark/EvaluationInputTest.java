package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.gner.data.InputFormatException;
import org.gner.prompt.LabelOrder;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate's Spark-read input against the former driver-side reader, row for row. */
class EvaluationInputTest {
    private static final String ZERO_SHOT = "crossner_ai,crossner_literature,crossner_music,crossner_politics,"
            + "crossner_science,mit-movie,mit-restaurant";

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("gner-evaluation-input-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void zeroShotTestSetsMatchTheDriverReader() {
        assertSameRows(SharedData.zeroShotDataDir(), ZERO_SHOT, "test", LabelOrder.DEFAULT, 7);
    }

    @Test
    void sampledAndOverSampledConfigsMatchTheDriverReader() throws IOException {
        Path config = Files.writeString(tmp.resolve("sampled.json"), "["
                + "{\"dataset name\": \"mit-restaurant\", \"max_num_instances\": 300},"
                + "{\"dataset name\": \"crossner_ai\", \"max_num_instances\": 1000, \"over_sampling\": true},"
                + "{\"dataset name\": \"crossner_music\", \"max_num_instances\": 0},"
                + "{\"dataset name\": \"mit-restaurant\", \"sampling strategy\": \"full\", \"max_num_instances\": 5}]");
        assertSameRows(SharedData.zeroShotDataDir(), config.toString(), "train", LabelOrder.file(), 5);
        assertSameRows(SharedData.zeroShotDataDir(), config.toString(), "test", LabelOrder.seeded(7), 3);
    }

    @Test
    void conll2003MatchesTheDriverReader() throws IOException {
        Path supervised = SharedData.path("datasets/supervised");
        assertSameRows(supervised, "conll2003", "test", LabelOrder.DEFAULT, 4);
        Path config = Files.writeString(tmp.resolve("conll.json"),
                "[{\"dataset name\": \"conll2003\", \"sampling strategy\": \"random\", \"max_num_instances\": 200}]");
        assertSameRows(supervised, config.toString(), "dev", LabelOrder.DEFAULT, 9);
    }

    @Test
    void sentencesCutByAnyPartitionBoundaryComeOutWhole() throws IOException {
        String text = "\uFEFF\n\nEU\tB-ORG\r\nrejects\tNNP\tO\r\n \t \r\nGerman\tB-MISC\n\n\n\nPeter\tB-PER\n"
                + "Blackburn\tI-PER\n\t\nx\tO\ry\tO\n\n\nlast\tB-LOC\nword\tO";
        write("cut/test.txt", text);
        write("cut/label.txt", "PER\nORG\nLOC\nMISC\n");
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        for (int partitions : new int[] {1, 2, 3, 5, 8, 13, 21, 40, bytes / 2, bytes}) {
            assertSameRows(tmp, "cut", "test", LabelOrder.DEFAULT, partitions);
        }
        Path config = Files.writeString(tmp.resolve("cut.json"),
                "[{\"dataset name\": \"cut\", \"max_num_instances\": 2}, {\"dataset name\": \"cut\","
                        + " \"max_num_instances\": 11, \"over_sampling\": true}]");
        assertSameRows(tmp, config.toString(), "test", LabelOrder.DEFAULT, 17);
    }

    @Test
    void aMalformedLineFailsNamingFileAndLineAsTheDriverReaderDoes() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("w").append(i).append("\tO\n").append(i % 3 == 2 ? "\n" : "");
        }
        text.append("no-tab-here\n\nlate\tB-bad\n");
        write("bad/test.txt", text.toString());
        write("bad/label.txt", "person\n");
        InputFormatException driver = assertThrows(InputFormatException.class,
                () -> DriverEvaluationInput.read(tmp, "bad", "test", LabelOrder.DEFAULT));
        for (int partitions : new int[] {1, 4, 50}) {
            InputFormatException spark = assertThrows(InputFormatException.class,
                    () -> EvaluationInput.read(jsc, tmp, "bad", "test", LabelOrder.DEFAULT, partitions));
            assertEquals(driver.getMessage(), spark.getMessage());
        }
        assertEquals(tmp.resolve("bad/test.txt") + ":267: expected 'word<TAB>label', found no tab",
                driver.getMessage());

        Files.write(tmp.resolve("bad/test.txt"), new byte[] {'a', '\t', 'O', '\n', '\n', 'b', (byte) 0xC3, '\t', 'O'});
        InputFormatException utf8 = assertThrows(InputFormatException.class,
                () -> EvaluationInput.read(jsc, tmp, "bad", "test", LabelOrder.DEFAULT, 3));
        assertEquals(tmp.resolve("bad/test.txt") + ":3: not valid UTF-8", utf8.getMessage());
        InputFormatException missing = assertThrows(InputFormatException.class,
                () -> EvaluationInput.read(jsc, tmp, "bad", "dev", LabelOrder.DEFAULT, 3));
        assertEquals(assertThrows(InputFormatException.class,
                () -> DriverEvaluationInput.read(tmp, "bad", "dev", LabelOrder.DEFAULT)).getMessage(),
                missing.getMessage());
    }

    private static void assertSameRows(Path dataDir, String datasets, String split, LabelOrder order,
            int minPartitions) {
        List<List<Object>> expected = plain(DriverEvaluationInput.read(dataDir, datasets, split, order));
        EvaluationInput input = EvaluationInput.read(jsc, dataDir, datasets, split, order, minPartitions);
        List<EvaluationSentence> rows = new ArrayList<>(input.rows().collect());
        rows.sort(Comparator.comparingLong(EvaluationSentence::order));
        assertEquals(expected.size(), input.size(), datasets + " " + split + " in " + minPartitions);
        assertEquals(expected, plain(rows), datasets + " " + split + " in " + minPartitions);
    }

    private static List<List<Object>> plain(List<EvaluationSentence> rows) {
        return rows.stream().map(EvaluationSentence::values).toList();
    }

    private static void write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
