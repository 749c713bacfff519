package org.gner.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.gner.data.ConllReader;
import org.gner.data.LabeledDataset;
import org.gner.data.NerSentence;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;

class LabelOrderTest {
    static final List<String> MOVIE = List.of("genre", "year", "plot", "average ratings", "actor", "title", "song",
            "character", "rating", "review", "director", "trailer");

    /** Pinned outputs (also computed by an independent Python model of the documented algorithm). */
    @Test
    void pinnedAcrossJvms() {
        assertEquals(List.of("review", "director", "title", "genre", "trailer", "song", "year", "character", "rating",
                "plot", "actor", "average ratings"), LabelOrder.shuffle(MOVIE, "mit-movie", "0", 1234));
        assertEquals(List.of("actor", "trailer", "plot", "title", "review", "genre", "character", "year", "song",
                "rating", "average ratings", "director"), LabelOrder.shuffle(MOVIE, "mit-movie", "1", 1234));
        assertEquals(List.of("song", "trailer", "genre", "year", "actor", "average ratings", "review", "director",
                "plot", "character", "rating", "title"), LabelOrder.shuffle(MOVIE, "mit-movie", "0", 7));
        assertEquals(List.of("a", "c", "d", "e", "b"), LabelOrder.shuffle(List.of("a", "b", "c", "d", "e"), "crossner_ai", "42", -1));
        assertEquals(List.of("e", "b", "c", "d", "a"), LabelOrder.shuffle(List.of("a", "b", "c", "d", "e"), "dätaset", "ü", 0));
        assertEquals(LabelOrder.shuffle(MOVIE, "mit-movie", "0", 1234),
                LabelOrder.DEFAULT.order("mit-movie", "0", MOVIE, null));
    }

    @Test
    void deterministicPermutationThatVariesPerSentence() {
        LabeledDataset ds = ConllReader.read(SharedData.zeroShotDataDir(), "crossner_science", "test");
        LabelOrder order = LabelOrder.seeded(99);
        Set<List<String>> distinct = new HashSet<>();
        for (NerSentence s : ds.sentences()) {
            List<String> a = order.order(ds.name(), s.id(), ds.labels(), null);
            assertEquals(a, LabelOrder.seeded(99).order(ds.name(), s.id(), List.copyOf(ds.labels()), null));
            assertEquals(Set.copyOf(ds.labels()), Set.copyOf(a));
            assertEquals(ds.labels().size(), a.size());
            distinct.add(a);
        }
        // 543 sentences, 16! orders: all (or nearly all) differ
        assertTrue(distinct.size() > 530, "only " + distinct.size() + " distinct orders");
        assertNotEquals(order.order(ds.name(), "0", ds.labels(), null), order.order(ds.name(), "1", ds.labels(), null));
        assertNotEquals(order.order(ds.name(), "0", ds.labels(), null), order.order("crossner_ai", "0", ds.labels(), null));
        assertNotEquals(order.order(ds.name(), "0", ds.labels(), null),
                LabelOrder.seeded(100).order(ds.name(), "0", ds.labels(), null));
        // unbiased enough: each label lands first about 1/16 of the time
        int[] first = new int[ds.labels().size()];
        for (int i = 0; i < 16000; i++) {
            first[ds.labels().indexOf(LabelOrder.shuffle(ds.labels(), "x", Integer.toString(i), 1).get(0))]++;
        }
        for (int c : first) {
            assertTrue(c > 850 && c < 1150, "first-position count " + c);
        }
    }

    @Test
    void fileAndRecordModes() {
        List<String> record = List.of("b", "a");
        assertEquals(MOVIE, LabelOrder.file().order("d", "0", MOVIE, record));
        assertEquals(record, LabelOrder.record().order("d", "0", MOVIE, record));
        assertThrows(IllegalArgumentException.class, () -> LabelOrder.record().order("d", "0", MOVIE, null));
        assertEquals(List.of(), LabelOrder.DEFAULT.order("d", "0", List.of(), null));
        assertEquals(List.of("x"), LabelOrder.DEFAULT.order("d", "0", List.of("x"), null));
    }

    @Test
    void parsesSpecs() {
        assertEquals(LabelOrder.DEFAULT, LabelOrder.parse("seeded"));
        assertEquals(LabelOrder.seeded(-5), LabelOrder.parse(" SEEDED:-5 "));
        assertEquals(LabelOrderMode.FILE, LabelOrder.parse("file").mode());
        assertEquals(LabelOrderMode.RECORD, LabelOrder.parse("record").mode());
        assertEquals("seeded:7", LabelOrder.seeded(7).toString());
        assertThrows(IllegalArgumentException.class, () -> LabelOrder.parse("seeded:x"));
        assertThrows(IllegalArgumentException.class, () -> LabelOrder.parse("random"));
    }
}
