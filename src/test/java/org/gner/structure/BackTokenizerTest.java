package org.gner.structure;

import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Back-tokenization with the real Flan-T5 tokenizer. */
class BackTokenizerTest {
    private static BackTokenizer flanT5;

    @BeforeAll
    static void load() throws IOException {
        flanT5 = BackTokenizer.load(SharedData.flanT5Tokenizer());
    }

    @AfterAll
    static void close() {
        flanT5.close();
    }

    @Test
    void charactersOutsideTheVocabularyVanish() {
        assertEquals("bront", flanT5.normalize("brontë"));
        assertEquals("cliché", flanT5.normalize("cliché"));
        assertEquals("", flanT5.normalize("北京"));
        assertEquals("", flanT5.normalize("{"));
        assertEquals("x", flanT5.normalize("x\u0301"));
    }

    @Test
    void overABorrowedTokenizerLeavesItOpenWhenClosed() {
        BackTokenizer borrowing = BackTokenizer.over(flanT5.tokenizer());
        assertEquals("bront", borrowing.normalize("brontë"));
        borrowing.close();
        assertTrue(flanT5.tokenizer().encode("york").length > 0, "the lender's tokenizer still works");
    }

    @Test
    void specialTokenTextIsSkippedToo() {
        assertEquals("", flanT5.normalize("<unk>"));
        assertEquals("", flanT5.normalize("</s>"));
        assertEquals("", flanT5.normalize(""));
    }

    @Test
    void flanT5ConfigEnablesCleanUpOfTokenizationSpaces() {
        assertTrue(flanT5.cleansUpTokenizationSpaces());
        // The normalizer turns NBSP into a space, so the word decodes as "a ." before clean-up.
        assertEquals("a.", flanT5.normalize("a\u00A0."));
        assertEquals("a's", flanT5.normalize("a\u00A0's"));
    }

    @Test
    void cleanUpCanBeDisabledByTheConfig(@TempDir Path dir) throws IOException {
        Files.copy(SharedData.flanT5Tokenizer(), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"clean_up_tokenization_spaces\": false}");
        try (BackTokenizer raw = BackTokenizer.load(dir)) {
            assertFalse(raw.cleansUpTokenizationSpaces());
            assertEquals("a .", raw.normalize("a\u00A0."));
        }
    }

    @Test
    void missingConfigMeansCleanUp(@TempDir Path dir) throws IOException {
        Files.copy(SharedData.flanT5Tokenizer(), dir.resolve("tokenizer.json"));
        try (BackTokenizer tokenizer = BackTokenizer.load(dir.resolve("tokenizer.json"))) {
            assertTrue(tokenizer.cleansUpTokenizationSpaces());
        }
    }

    @Test
    void cleanUpReplacementsRunInTransformersOrder() {
        assertEquals("a. b? c! d, e'f don't I'm it's we've they're",
                org.gner.model.ModelTokenizer.cleanUpTokenization("a . b ? c ! d , e ' f do n't I 'm it 's we 've they 're"));
    }

    @Test
    void longWordsAreNotTruncated() {
        String word = "abc,".repeat(1000);
        assertEquals(word, flanT5.normalize(word));
    }

    @Test
    void concurrentCallsAgreeWithSequentialOnes() {
        List<String> words = IntStream.range(0, 2000).mapToObj(i -> "wörd" + i + "ë").toList();
        try (BackTokenizer fresh = BackTokenizer.loadUnchecked(SharedData.flanT5Tokenizer())) {
            List<String> sequential = words.stream().map(flanT5::normalize).toList();
            List<String> parallel = words.parallelStream().map(fresh::normalize).toList();
            assertEquals(sequential, parallel);
            assertEquals("wörd7", sequential.get(7));
        }
    }

    @Test
    void boundedCacheKeepsWorking() throws IOException {
        try (BackTokenizer small = BackTokenizer.load(SharedData.flanT5Tokenizer(), 2)) {
            for (int round = 0; round < 3; round++) {
                assertEquals("bront", small.normalize("brontë"));
                assertEquals("a", small.normalize("a"));
                assertEquals("b", small.normalize("b"));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BackTokenizer.load(SharedData.flanT5Tokenizer(), 0));
    }

    @Test
    void goldWordsMatchWhatTheModelCanGenerate() {
        PredictionStructurer withTokenizer = new PredictionStructurer(flanT5);
        PredictionStructurer withoutTokenizer = new PredictionStructurer(WordNormalizer.IDENTITY);
        List<String> words = List.of("Brontë", "wrote");
        String prediction = "Bront(B-person) wrote(O)";
        assertEquals(new StructuredPrediction(List.of("B-person", "O"), MatchKind.EXACT),
                withTokenizer.structure(words, List.of("person"), prediction));
        assertEquals(new StructuredPrediction(List.of("O", "O"), MatchKind.LCS),
                withoutTokenizer.structure(words, List.of("person"), prediction));
    }

    @Test
    void wordsTheVocabularyLacksCannotMatch() {
        PredictionStructurer withTokenizer = new PredictionStructurer(flanT5);
        assertEquals(new StructuredPrediction(List.of("O", "O"), MatchKind.LCS),
                withTokenizer.structure(List.of("北京", "大学"), List.of("organization"),
                        "北京(B-organization)大学(I-organization)"));
    }
}
