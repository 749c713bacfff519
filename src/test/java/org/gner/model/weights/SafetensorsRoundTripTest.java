package org.gner.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gner.model.CheckpointFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void mixedDtypesRoundTripThroughOneFile() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f32 = m.create(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.5f}, new Shape(2, 3));
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            tensors.put("a.weight", TensorData.of(f32));
            tensors.put("b.weight", TensorData.bf16(f32));
            tensors.put("c.weight", TensorData.of(f32.toType(DataType.FLOAT16, true)));
            SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), tensors, Map.of("format", "pt"));

            SafetensorsFile file = SafetensorsFile.open(dir.resolve(CheckpointFiles.SINGLE_FILE));
            assertEquals("pt", file.metadata().get("format"));
            assertEquals(TensorDtype.BF16, file.tensors().get("b.weight").dtype());

            WeightStore store = WeightStore.open(dir);
            for (String name : tensors.keySet()) {
                assertArrayEquals(new long[] {2, 3}, store.info(name).shape());
                NDArray loaded = store.load(name, m, DataType.FLOAT32);
                assertEquals(DataType.FLOAT32, loaded.getDataType());
                // all values are exact in bf16 and fp16
                assertArrayEquals(f32.toFloatArray(), loaded.toFloatArray(), 0f, name);
            }
        }
    }

    @Test
    void loadedTensorsOwnTheirMemoryInsteadOfAliasingTheMapping() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = dir.resolve(CheckpointFiles.SINGLE_FILE);
            SafetensorsWriter.write(file, Map.of("w", TensorData.of(m.create(new float[] {1, 2, 3, 4}))), Map.of());
            WeightStore store = WeightStore.open(dir);
            NDArray loaded = store.load("w", m, DataType.FLOAT32);
            // overwrite the tensor's bytes in place: a view of the mapping would see the change
            TensorInfo info = store.info("w");
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(new byte[(int) info.byteLength()]), info.offset());
            }
            assertArrayEquals(new float[] {1, 2, 3, 4}, loaded.toFloatArray());
        }
    }

    @Test
    void shardedIndexFindsEveryTensorAndToleratesListedButAbsentNames() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                    Map.of("x", TensorData.of(m.arange(4f))), Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                    Map.of("y", TensorData.of(m.arange(6f).reshape(2, 3))), Map.of());
            Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), "{\"metadata\":{},\"weight_map\":{"
                    + "\"x\":\"model-00001-of-00002.safetensors\","
                    + "\"y\":\"model-00002-of-00002.safetensors\","
                    + "\"encoder.embed_tokens.weight\":\"model-00001-of-00002.safetensors\"}}");
            WeightStore store = WeightStore.open(dir);
            assertTrue(store.contains("x") && store.contains("y"));
            assertFalse(store.contains("encoder.embed_tokens.weight"));
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5},
                    store.load("y", m, DataType.FLOAT32).toFloatArray());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> store.load("encoder.embed_tokens.weight", m, DataType.FLOAT32));
            assertTrue(e.getMessage().contains("encoder.embed_tokens.weight"));
        }
    }

    @Test
    void pickleCheckpointIsRefusedWithAnExplanation() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        IOException e = assertThrows(IOException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("pickle"), e.getMessage());
        assertTrue(e.getMessage().contains("safe_serialization"), e.getMessage());
    }

    @Test
    void wrongShapeIsReportedByTensorName() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), Map.of("w", TensorData.of(m.zeros(new Shape(3, 4)))),
                    Map.of());
            WeightStore store = WeightStore.open(dir);
            var e = assertThrows(IllegalArgumentException.class, () -> store.requireShape("w", 4, 3));
            assertTrue(e.getMessage().contains("tensor w has shape [3, 4]"), e.getMessage());
        }
    }

    @Test
    void bf16RoundsToNearestEvenLikeTorch() {
        // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
        assertEquals((short) 0x3F80, Bf16.round(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up.
        assertEquals((short) 0x3F82, Bf16.round(1f + 3 * 0x1p-8f));
        assertEquals((short) 0xBF80, Bf16.round(-1f));
        assertTrue(Float.isNaN(Float.intBitsToFloat((Bf16.round(Float.NaN) & 0xFFFF) << 16)));
    }

    @Test
    void bf16ComputeIsRefusedWithAReason() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE_FILE), Map.of("w", TensorData.of(m.ones(new Shape(2)))),
                    Map.of());
            var e = assertThrows(UnsupportedOperationException.class,
                    () -> WeightStore.open(dir).load("w", m, DataType.BFLOAT16));
            assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        }
    }

    @Test
    void loadedTensorsOwnTheirMemoryRatherThanAliasingTheMappedFile() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = dir.resolve(CheckpointFiles.SINGLE_FILE);
            SafetensorsWriter.write(file, Map.of("w", TensorData.of(m.create(new float[] {1, 2, 3}))), Map.of());
            WeightStore store = WeightStore.open(dir);
            NDArray loaded = store.load("w", m, DataType.FLOAT32);
            TensorInfo info = store.info("w");
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, 42f),
                        info.offset());
            }
            assertArrayEquals(new float[] {1, 2, 3}, loaded.toFloatArray());
        }
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{'});
        assertThrows(IOException.class, () -> SafetensorsFile.open(bad));
    }
}
