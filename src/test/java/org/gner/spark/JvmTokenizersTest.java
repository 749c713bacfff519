package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.load.ModelLoader;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.structure.BackTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate and annotate executors back-tokenize with the model's own tokenizer: tokenizer.json is read once. */
class JvmTokenizersTest {
    @TempDir
    Path tmp;

    @Test
    void aModelsBackTokenizerIsOverTheModelsTokenizerAndOnePerJvm() throws IOException {
        Path dir = TinyT5Checkpoints.write(tmp.resolve("model"), TinyT5Checkpoints.Spec.flan(21),
                TinyT5Checkpoints.Format.F32);
        try (LoadedModel model = ModelLoader.load(dir.toString(), RuntimeOptions.parse("cpu", "fp32"))) {
            BackTokenizer back = BackTokenizer.shared(model.tokenizer());
            assertSame(model.tokenizer(), back.tokenizer());
            assertSame(back, BackTokenizer.shared(model.tokenizer()));
            try (BackTokenizer fromFile = BackTokenizer.load(dir)) {
                for (String word : new String[] {"brontë", "new", "york", "é"}) {
                    assertEquals(fromFile.normalize(word), back.normalize(word), word);
                }
            }
        }
    }
}
