package org.gner.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.gner.model.CheckpointFiles;

/**
 * The tensors of a HF checkpoint folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} names. Tensors are found by name and memory-mapped when loaded.
 */
public final class WeightStore {
    private final Path dir;
    private final Map<String, TensorInfo> tensors;

    private WeightStore(Path dir, Map<String, TensorInfo> tensors) {
        this.dir = dir;
        this.tensors = tensors;
    }

    /** Opens the weights of {@code dir}; pickle checkpoints are refused, never executed. */
    public static WeightStore open(Path dir) throws IOException {
        Path single = dir.resolve(CheckpointFiles.SINGLE_FILE);
        Path index = dir.resolve(CheckpointFiles.INDEX_FILE);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            for (Path shard : shardsOf(index)) {
                tensors.putAll(SafetensorsFile.open(shard).tensors());
            }
        } else if (Files.isRegularFile(single)) {
            tensors.putAll(SafetensorsFile.open(single).tensors());
        } else if (Files.exists(dir.resolve("pytorch_model.bin"))
                || Files.exists(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new IOException(CheckpointFiles.pickleRefusal(dir));
        } else {
            throw new IOException(dir + ": no " + CheckpointFiles.SINGLE_FILE + " or " + CheckpointFiles.INDEX_FILE);
        }
        return new WeightStore(dir, Collections.unmodifiableMap(tensors));
    }

    /**
     * The distinct shard files of an index. A name the index lists but no shard holds is not an
     * error here (real flan-t5-xl/xxl indexes list {@code encoder.embed_tokens.weight}); asking for
     * it later is.
     */
    private static Set<Path> shardsOf(Path index) throws IOException {
        JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        if (!weightMap.isObject()) {
            throw new IOException(index + ": no weight_map object");
        }
        Set<Path> shards = new java.util.LinkedHashSet<>();
        weightMap.elements().forEachRemaining(f -> shards.add(index.resolveSibling(f.asText())));
        for (Path shard : shards) {
            if (!Files.isRegularFile(shard)) {
                throw new IOException(index + " names shard " + shard.getFileName() + ", which is missing");
            }
        }
        return shards;
    }

    public Path dir() {
        return dir;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(dir + ": checkpoint has no tensor " + name);
        }
        return info;
    }

    /** Checks a tensor's shape against what the config implies, naming the tensor when it differs. */
    public void requireShape(String name, long... expected) {
        long[] actual = info(name).shape();
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalArgumentException(dir + ": tensor " + name + " has shape " + Arrays.toString(actual)
                    + " but the config implies " + Arrays.toString(expected));
        }
    }

    /**
     * Loads a tensor into {@code manager} as {@code target} dtype. The result owns its memory (a copy,
     * not a view of the read-only mapping), so training may update it in place.
     */
    public NDArray load(String name, NDManager manager, DataType target) {
        TensorInfo info = info(name);
        ByteBuffer bytes;
        try {
            bytes = SafetensorsFile.map(info);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (target == DataType.BFLOAT16) {
            throw new UnsupportedOperationException(
                    "bf16 compute is not available: DJL's PyTorch engine has no bfloat16 dtype; use fp32 or fp16");
        }
        DataType stored = info.dtype().djl();
        if (info.dtype() == TensorDtype.BF16) {
            bytes = Bf16.toFloat32(bytes);
            stored = DataType.FLOAT32;
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray mapped = scratch.create(bytes, new Shape(info.shape()), stored);
            // DJL's toType(sameType, copy=true) returns an alias of the mapped bytes, which dangles once
            // the mapping is garbage-collected: duplicate() is the copy that really happens.
            NDArray owned = stored == target ? mapped.duplicate() : mapped.toType(target, false);
            owned.attach(manager);
            owned.setName(name);
            return owned;
        }
    }
}
