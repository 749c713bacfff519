package org.gner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConllReaderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "mit-movie, 2443, 12",
        "mit-restaurant, 1521, 8",
        "crossner_ai, 431, 13",
        "crossner_literature, 416, 11",
        "crossner_music, 465, 12",
        "crossner_politics, 651, 8",
        "crossner_science, 543, 16",
    })
    void readsZeroShotTestSplits(String name, int sentences, int labels) {
        LabeledDataset ds = ConllReader.read(SharedData.zeroShotDataDir(), name, "test");
        assertEquals(name, ds.name());
        assertEquals("test", ds.split());
        assertEquals(sentences, ds.size());
        assertEquals(labels, ds.labels().size());
        for (int i = 0; i < ds.size(); i++) {
            NerSentence s = ds.sentences().get(i);
            assertEquals(Integer.toString(i), s.id());
            assertTrue(s.size() > 0);
        }
    }

    @Test
    void keepsLabelFileOrderAndCapitals() {
        LabeledDataset ds = ConllReader.read(SharedData.zeroShotDataDir(), "mit-restaurant", "test");
        assertEquals(List.of("Rating", "Location", "Amenity", "Cuisine", "Hours", "Price", "Dish", "Restaurant Name"),
                ds.labels());
        NerSentence first = ds.sentences().get(0);
        assertEquals("a", first.words().get(0));
        assertEquals(List.of("O", "B-Rating", "I-Rating"), first.labels().subList(0, 3));
    }

    @Test
    void readsConll2003WithGnerLabelNames() {
        Path dir = SharedData.path("datasets/supervised");
        LabeledDataset test = ConllReader.read(dir, "conll2003", "test", ConllReader.CONLL2003_TYPES);
        assertEquals(3453, test.size());
        assertEquals(List.of("person", "organization", "location", "else"), test.labels());
        assertTrue(test.sentences().stream().flatMap(s -> s.labels().stream()).anyMatch("B-person"::equals));
        assertTrue(test.sentences().stream().flatMap(s -> s.labels().stream())
                .allMatch(l -> l.equals("O") || test.labels().contains(l.substring(2))));
        assertEquals(14041, ConllReader.read(dir, "conll2003", "train", ConllReader.CONLL2003_TYPES).size());
        // without a mapping the raw tags stay
        LabeledDataset raw = ConllReader.read(dir, "conll2003", "test");
        assertEquals(List.of("PER", "ORG", "LOC", "MISC"), raw.labels());
    }

    @Test
    void mappingWithoutLabelFileUsesMappingOrder() throws IOException {
        write("raw/test.txt", "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n\nPeter\tB-PER\nBlackburn\tI-PER\n");
        LabeledDataset ds = ConllReader.read(tmp, "raw", "test", ConllReader.CONLL2003_TYPES);
        assertEquals(List.of("person", "organization", "location", "else"), ds.labels());
        assertEquals(List.of("B-organization", "O", "B-else"), ds.sentences().get(0).labels());
        assertEquals(List.of("B-person", "I-person"), ds.sentences().get(1).labels());
        // a custom mapping
        LabeledDataset misc = ConllReader.read(tmp, "raw", "test",
                Map.of("PER", "person", "ORG", "organization", "LOC", "location", "MISC", "miscellaneous"));
        assertEquals("B-miscellaneous", misc.sentences().get(0).labels().get(2));
    }

    @Test
    void handWrittenSampleReadsAsDocumented() {
        Path sample = Path.of("datasets/sample");
        assertEquals(12, ConllReader.readForPrompts(sample, "sample-movie", "test").size());
        assertEquals(10, ConllReader.readForPrompts(sample, "sample-restaurant", "test").size());
        LabeledDataset news = ConllReader.readForPrompts(sample, "sample-news", "test");
        assertEquals(10, news.size());
        assertEquals(List.of("person", "organization", "location", "else"), news.labels());
    }

    @Test
    void readForPromptsMapsExactlyTheRawConllTagSet() throws IOException {
        write("raw/label.txt", "LOC\nPER\nORG\nMISC\n");
        write("raw/test.txt", "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n");
        LabeledDataset raw = ConllReader.readForPrompts(tmp, "raw", "test");
        assertEquals(List.of("location", "person", "organization", "else"), raw.labels());
        assertEquals(List.of("B-organization", "O", "B-else"), raw.sentences().get(0).labels());
        // a label set that merely contains PER is read as written
        write("mixed/label.txt", "PER\nplace\n");
        write("mixed/test.txt", "Ann\tB-PER\nin\tO\nRome\tB-place\n");
        LabeledDataset mixed = ConllReader.readForPrompts(tmp, "mixed", "test");
        assertEquals(List.of("PER", "place"), mixed.labels());
        assertEquals(List.of("B-PER", "O", "B-place"), mixed.sentences().get(0).labels());
    }

    @Test
    void lastColumnIsTheLabelAndLayoutQuirksAreTolerated() throws IOException {
        write("d/label.txt", "\uFEFFperson\nplace\n\n\n");
        write("d/test.txt", "\uFEFF\n\nJohn\tNNP\tB-person\r\nlives\tVBZ\tO\r\n   \r\nin\tIN\tO\nParis\tNNP\tB-place");
        LabeledDataset ds = ConllReader.read(tmp, "d", "test");
        assertEquals(List.of("person", "place"), ds.labels());
        assertEquals(2, ds.size());
        assertEquals(new NerSentence("0", List.of("John", "lives"), List.of("B-person", "O")), ds.sentences().get(0));
        assertEquals(new NerSentence("1", List.of("in", "Paris"), List.of("O", "B-place")), ds.sentences().get(1));
    }

    @Test
    void lineWithoutTab() throws IOException {
        write("mit-movie/label.txt", "actor\n");
        write("mit-movie/test.txt", "a\tO\nb\tB-actor\n\nno-tab-here\n");
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> ConllReader.read(tmp, "mit-movie", "test"));
        assertLocated(e, "mit-movie/test.txt", 4);
        assertTrue(e.getMessage().endsWith("mit-movie/test.txt:4: expected 'word<TAB>label', found no tab"),
                e.getMessage());
    }

    @Test
    void malformedLabel() throws IOException {
        write("d/label.txt", "actor\n");
        write("d/test.txt", "a\tO\nb\tX-actor\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        assertLocated(e, "d/test.txt", 2);
        assertTrue(e.reason().contains("'X-actor'"), e.getMessage());
        write("d/test.txt", "a\tO\nb\tB-\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/test.txt", 2);
        write("d/test.txt", "a\tO\n\nb\t\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/test.txt", 3);
        write("d/test.txt", "\tO\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/test.txt", 1);
    }

    @Test
    void typeMissingFromLabelFile() throws IOException {
        write("d/label.txt", "actor\ndirector\n");
        write("d/test.txt", "a\tB-actor\n\nb\tO\nc\tI-genre\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        assertLocated(e, "d/test.txt", 4);
        assertTrue(e.reason().contains("'genre'") && e.reason().contains("label.txt"), e.getMessage());
    }

    @Test
    void badLabelFiles() throws IOException {
        write("d/test.txt", "a\tO\n");
        write("d/label.txt", "");
        InputFormatException empty = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        assertTrue(empty.getMessage().contains("d/label.txt") && empty.reason().contains("empty"), empty.getMessage());
        write("d/label.txt", "\n\n");
        assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        write("d/label.txt", "actor\n\ndirector\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/label.txt", 2);
        write("d/label.txt", "actor\nO\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/label.txt", 2);
        write("d/label.txt", "actor\ndirector\nactor\n");
        assertLocated(assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test")), "d/label.txt", 3);
        Files.delete(tmp.resolve("d/label.txt"));
        InputFormatException missing = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        assertTrue(missing.getMessage().contains("d/label.txt"), missing.getMessage());
    }

    @Test
    void missingSplitFile() throws IOException {
        write("d/label.txt", "actor\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "dev"));
        assertTrue(e.getMessage().contains("d/dev.txt") && e.reason().contains("not found"), e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void invalidUtf8NamesFile() throws IOException {
        write("d/label.txt", "actor\n");
        Files.write(tmp.resolve("d/test.txt"), new byte[] {'a', '\t', 'O', '\n', (byte) 0xC3, '\t', 'O', '\n'});
        InputFormatException e = assertThrows(InputFormatException.class, () -> ConllReader.read(tmp, "d", "test"));
        assertLocated(e, "d/test.txt", 2);
    }

    static void assertLocated(InputFormatException e, String fileSuffix, long line) {
        assertTrue(e.source().endsWith(fileSuffix), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(fileSuffix + ":" + line + ": "), e.getMessage());
    }

    private void write(String rel, String text) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
