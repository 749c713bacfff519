package org.gner.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gner.data.ConllReader;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.data.LabeledDataset;
import org.gner.data.NerSentence;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.Test;

class GnerExamplesTest {
    @Test
    void fromDataset() {
        LabeledDataset ds = ConllReader.read(SharedData.zeroShotDataDir(), "mit-restaurant", "test");
        List<GnerExample> t5 = GnerExamples.from(ds, LabelOrder.file(), false);
        List<GnerExample> llama = GnerExamples.from(ds, LabelOrder.file(), true);
        assertEquals(ds.size(), t5.size());
        GnerExample e = t5.get(0);
        NerSentence s = ds.sentences().get(0);
        assertEquals("mit-restaurant", e.dataset());
        assertEquals("test", e.split());
        assertEquals("0", e.id());
        assertEquals(s.words(), e.words());
        assertEquals(s.labels(), e.labels());
        assertEquals(ds.labels(), e.labelList());
        assertEquals(PromptBuilder.instruction(ds.labels(), s.words(), null), e.prompt());
        assertEquals(PromptBuilder.promptLabels(s.words(), s.labels()), e.target());
        assertEquals(PromptBuilder.llama(e.prompt()), llama.get(0).prompt());
        assertTrue(GnerExamples.from(ds, LabelOrder.file(), false, true).get(0).prompt()
                .contains("\nDataset: mit-restaurant.\nSentence: "));

        List<GnerExample> seeded = GnerExamples.from(ds, LabelOrder.DEFAULT, false);
        assertEquals(seeded, GnerExamples.from(ds, LabelOrder.DEFAULT, false));
        assertEquals(LabelOrder.shuffle(ds.labels(), "mit-restaurant", "5", LabelOrder.DEFAULT_SEED),
                seeded.get(5).labelList());
        assertThrows(IllegalArgumentException.class, () -> GnerExamples.from(ds, LabelOrder.record(), false));
    }

    /** GNER ids are running sentence indices: every shared record matches that sentence of the CoNLL file. */
    @Test
    void sharedRecordsMatchConllSentencesById() {
        Map<String, LabeledDataset> cache = new HashMap<>();
        for (String split : List.of("test", "dev")) {
            for (GnerRecord r : GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/zero-shot-" + split + "-100.jsonl"))) {
                // the MIT sets have no dev.txt here; their dev records were drawn from test.txt
                String file = Files.exists(SharedData.zeroShotDataDir().resolve(r.dataset()).resolve(split + ".txt"))
                        ? split : "test";
                LabeledDataset ds = cache.computeIfAbsent(r.dataset() + "/" + file,
                        k -> ConllReader.read(SharedData.zeroShotDataDir(), r.dataset(), file));
                assertEquals(r.instance(), ds.sentences().get(Integer.parseInt(r.id())));
                assertEquals(setOf(ds.labels()), setOf(r.labelList()));
            }
        }
    }

    private static java.util.Set<String> setOf(List<String> l) {
        return java.util.Set.copyOf(l);
    }

    @Test
    void fromRecordsWithRecordOrderReproducesInstructionInputs() {
        Path f = SharedData.path("datasets/gner-jsonl/zero-shot-test-100.jsonl");
        List<GnerRecord> records = GnerJsonl.readAll(f);
        List<GnerExample> examples = GnerExamples.fromRecords(records, LabelOrder.record(), false);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(records.get(i).instructionInputs(), examples.get(i).prompt());
            assertEquals(records.get(i).promptLabels(), examples.get(i).target());
        }
        List<GnerExample> llama = GnerExamples.fromRecords(records, LabelOrder.seeded(3), true);
        GnerRecord r0 = records.get(0);
        assertEquals(PromptBuilder.llama(PromptBuilder.instruction(
                LabelOrder.shuffle(r0.labelList(), r0.dataset(), r0.id(), 3), r0.instance().words(), null)),
                llama.get(0).prompt());
        assertThrows(IllegalArgumentException.class, () -> GnerExamples.fromRecords(records, LabelOrder.file(), false));
    }
}
