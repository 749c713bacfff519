package org.gner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetConfigsTest {
    static final List<String> ZERO_SHOT = List.of("mit-movie", "mit-restaurant", "crossner_ai",
            "crossner_literature", "crossner_music", "crossner_politics", "crossner_science");

    @TempDir
    Path tmp;

    /** Sentences with ids "0".."n-1" and one word each naming the original position. */
    static List<NerSentence> sentences(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new NerSentence(Integer.toString(i), List.of("w" + i), List.of("O")))
                .toList();
    }

    static List<String> words(List<NerSentence> s) {
        return s.stream().map(x -> x.words().get(0)).toList();
    }

    @Test
    void shippedZeroShotLists() {
        List<DatasetConfig> test = DatasetConfigs.read(Path.of("datasets/configs/task_adaptation/test_configs.json"));
        assertEquals(ZERO_SHOT, test.stream().map(DatasetConfig::name).toList());
        assertTrue(test.stream().allMatch(c -> c.equals(DatasetConfig.full(c.name()))));
        List<DatasetConfig> dev = DatasetConfigs.read(Path.of("datasets/configs/task_adaptation/dev_configs.json"));
        assertEquals(ZERO_SHOT, dev.stream().map(DatasetConfig::name).toList());
        assertTrue(dev.stream().allMatch(c -> c.samplingStrategy().equals("random") && c.maxNumInstances() == 200
                && !c.overSampling()));
    }

    @Test
    void shippedSupervisedLists() {
        List<DatasetConfig> train = DatasetConfigs.read(Path.of("datasets/configs/supervised/train_configs.json"));
        assertEquals(18, train.size());
        DatasetConfig conll = train.stream().filter(c -> c.name().equals("conll2003")).findFirst().orElseThrow();
        assertEquals(new DatasetConfig("conll2003", "full", 10000, false), conll);
        assertEquals(19, DatasetConfigs.read(Path.of("datasets/configs/supervised/dev_configs.json")).size());
        assertEquals(19, DatasetConfigs.read(Path.of("datasets/configs/supervised/test_configs.json")).size());
    }

    @Test
    void randomKeepsTheFirstN() {
        List<NerSentence> s = sentences(10);
        assertEquals(List.of("w0", "w1", "w2"), words(DatasetConfigs.sample(new DatasetConfig("d", "random", 3, false), s)));
        assertEquals(0, DatasetConfigs.sample(new DatasetConfig("d", "random", 0, false), s).size());
        assertEquals(s, DatasetConfigs.sample(new DatasetConfig("d", "random", -1, false), s));
        assertEquals(s, DatasetConfigs.sample(new DatasetConfig("d", "random", 50, false), s));
        assertEquals(s, DatasetConfigs.sample(new DatasetConfig("d", "full", 3, false), s));
        assertEquals(s, DatasetConfigs.sample(DatasetConfig.full("d"), s));
    }

    @Test
    void overSamplingRepeatsWholeCopiesAndRenumbers() {
        List<NerSentence> s = sentences(3);
        List<NerSentence> out = DatasetConfigs.sample(new DatasetConfig("d", "random", 7, true), s);
        // GNER extends with whole copies until len >= N, never cutting back: 9, not 7
        assertEquals(List.of("w0", "w1", "w2", "w0", "w1", "w2", "w0", "w1", "w2"), words(out));
        assertEquals(IntStream.range(0, 9).mapToObj(Integer::toString).toList(),
                out.stream().map(NerSentence::id).toList());
        assertEquals(6, DatasetConfigs.sample(new DatasetConfig("d", "full", 6, true), s).size());
        // truncation first, then no over-sampling needed
        assertEquals(2, DatasetConfigs.sample(new DatasetConfig("d", "random", 2, true), s).size());
        // no limit: nothing to over-sample to
        assertEquals(3, DatasetConfigs.sample(new DatasetConfig("d", "random", -1, true), s).size());
        assertEquals(0, DatasetConfigs.sample(new DatasetConfig("d", "random", 0, true), s).size());
        assertEquals(0, DatasetConfigs.sample(new DatasetConfig("d", "full", 5, true), List.of()).size());
    }

    @Test
    void sampleRenumbersIdsByPosition() {
        List<NerSentence> s = new ArrayList<>(sentences(3));
        s.set(0, s.get(0).withId("x"));
        assertEquals(List.of("0", "1", "2"),
                DatasetConfigs.sample(DatasetConfig.full("d"), s).stream().map(NerSentence::id).toList());
    }

    @Test
    void defaultsAndVariants() throws IOException {
        Path json = tmp.resolve("c.json");
        Files.writeString(json, """
                [{"dataset name": "a"},
                 {"dataset name": "b", "sampling strategy": "full", "max_num_instances": null},
                 {"dataset name": "c", "sampling strategy": "random", "max_num_instances": "full", "extra": 1},
                 {"dataset name": "d", "max_num_instances": 5, "over_sampling": true}]
                """);
        assertEquals(List.of(new DatasetConfig("a", "random", -1, false), new DatasetConfig("b", "full", -1, false),
                new DatasetConfig("c", "random", -1, false), new DatasetConfig("d", "random", 5, true)),
                DatasetConfigs.read(json));
        assertEquals(DatasetConfigs.read(json), DatasetConfigs.parse(json.toString()));
    }

    @Test
    void parsesNameLists() {
        assertEquals(List.of(DatasetConfig.full("mit-movie"), DatasetConfig.full("crossner_ai")),
                DatasetConfigs.parse(" mit-movie, crossner_ai ,"));
        assertThrows(IllegalArgumentException.class, () -> DatasetConfigs.parse(" , "));
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> DatasetConfigs.parse(tmp.resolve("missing.json").toString()));
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
    }

    @Test
    void badConfigsNameFileAndEntry() throws IOException {
        Path json = tmp.resolve("bad.json");
        Files.writeString(json, "[{\"dataset name\": \"a\"}, {\"sampling strategy\": \"full\"}]");
        InputFormatException e = assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("bad.json:2: ") && e.reason().contains("dataset name"), e.getMessage());
        Files.writeString(json, "[{\"dataset name\": \"a\", \"sampling strategy\": \"shuffled\"}]");
        assertEquals(1, assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json)).line());
        Files.writeString(json, "[{\"dataset name\": \"a\", \"max_num_instances\": 2.5}]");
        assertEquals(1, assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json)).line());
        Files.writeString(json, "[{\"dataset name\": \"a\", \"over_sampling\": \"yes\"}]");
        assertEquals(1, assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json)).line());
        Files.writeString(json, "{\"dataset name\": \"a\"}");
        assertTrue(assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json)).reason().contains("array"));
        Files.writeString(json, "[{\"dataset name\": \"a\",\n oops]");
        InputFormatException syntax = assertThrows(InputFormatException.class, () -> DatasetConfigs.read(json));
        assertEquals(2, syntax.line());
        assertTrue(syntax.reason().startsWith("not valid JSON"), syntax.getMessage());
    }
}
