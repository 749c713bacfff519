package org.gner.model.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.llama.LlamaModel;
import org.gner.model.llama.TinyLlamaCheckpoints;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

    @TempDir
    Path tmp;

    @Test
    void loadsT5AndLlamaByModelTypeWithTheirTokenizers() throws IOException {
        Path t5 = TinyT5Checkpoints.write(tmp.resolve("t5"), TinyT5Checkpoints.Spec.flan(3),
                TinyT5Checkpoints.Format.F32);
        Path llama = TinyLlamaCheckpoints.write(tmp.resolve("llama"), TinyLlamaCheckpoints.Spec.gqa(),
                TinyLlamaCheckpoints.Format.F32);
        try (LoadedModel model = ModelLoader.load(t5.toString(), RuntimeOptions.CPU_FP32)) {
            assertTrue(model.model() instanceof T5Model);
            assertEquals("t5", model.checkpoint().modelType());
            assertTrue(model.spec().encoderDecoder());
            assertEquals(1, model.tokenizer().encode("").length); // </s>
            assertEquals(t5.toAbsolutePath().normalize(), model.checkpoint().dir());
        }
        try (LoadedModel model = ModelLoader.load(llama.toString(), RuntimeOptions.CPU_FP32)) {
            assertTrue(model.model() instanceof LlamaModel);
            assertEquals(2048, model.checkpoint().maxPositions());
            assertEquals(2048, model.spec().maxPositions());
        }
    }

    @Test
    void digestIsStableAndSeesConfigAndWeightLayoutChanges() throws IOException {
        Path a = TinyT5Checkpoints.write(tmp.resolve("a"), TinyT5Checkpoints.Spec.flan(3), TinyT5Checkpoints.Format.F32);
        Path b = TinyT5Checkpoints.write(tmp.resolve("b"), TinyT5Checkpoints.Spec.flan(3), TinyT5Checkpoints.Format.F32);
        String digest = CheckpointDigest.of(a);
        assertEquals(64, digest.length());
        assertEquals(digest, CheckpointDigest.of(b), "same files, another folder");

        Path bf16 = TinyT5Checkpoints.write(tmp.resolve("c"), TinyT5Checkpoints.Spec.flan(3),
                TinyT5Checkpoints.Format.BF16);
        assertNotEquals(digest, CheckpointDigest.of(bf16), "other dtype in the header");

        Files.writeString(b.resolve("config.json"), Files.readString(b.resolve("config.json")) + " ");
        assertNotEquals(digest, CheckpointDigest.of(b), "config changed");
    }

    @Test
    void unsupportedOrMissingModelsFailWithTheFolder() {
        IOException missing = assertThrows(IOException.class,
                () -> ModelLoader.load(tmp.resolve("nope").toString(), RuntimeOptions.CPU_FP32));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void cacheLoadsOncePerFolderDeviceAndDtype() throws Exception {
        Path dir = TinyT5Checkpoints.write(tmp.resolve("cached"), TinyT5Checkpoints.Spec.flan(5),
                TinyT5Checkpoints.Format.F32);
        Thread[] threads = new Thread[4];
        LoadedModel[] seen = new LoadedModel[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int k = i;
            threads[i] = new Thread(() -> seen[k] = ModelCache.get(dir.toString(), RuntimeOptions.CPU_FP32));
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (LoadedModel m : seen) {
            assertSame(seen[0], m);
        }
        assertEquals(1, ModelCache.loads(dir));
    }
}
