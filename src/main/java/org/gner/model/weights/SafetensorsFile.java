package org.gner.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of one {@code .safetensors} file; tensor bytes are memory-mapped on demand.
 *
 * <p>Nothing is read into a Java array: {@code NDList.decode} would need the whole file in one
 * {@code byte[]}, which fails past 2 GiB (GNER-T5-xxl ships ~10 GB shards).
 */
public final class SafetensorsFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path file;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, file);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            return parse(file, root, 8 + headerLength, size);
        }
    }

    private static SafetensorsFile parse(Path file, JsonNode root, long dataStart, long fileSize)
            throws IOException {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), tensorInfo(file, e.getKey(), e.getValue(), dataStart, fileSize));
        }
        return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode node, long dataStart, long fileSize)
            throws IOException {
        TensorDtype dtype;
        try {
            dtype = TensorDtype.fromCode(node.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": tensor " + name + ": " + e.getMessage(), e);
        }
        JsonNode shapeNode = node.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        JsonNode offsets = node.path("data_offsets");
        long begin = offsets.path(0).asLong(-1);
        long end = offsets.path(1).asLong(-1);
        TensorInfo info = new TensorInfo(name, dtype, shape, file, dataStart + begin, end - begin);
        if (begin < 0 || end < begin || dataStart + end > fileSize) {
            throw new IOException(file + ": tensor " + name + ": data offsets [" + begin + ", " + end
                    + "] outside the file");
        }
        if (info.elementCount() * dtype.bytes() != end - begin) {
            throw new IOException(file + ": tensor " + name + ": " + (end - begin)
                    + " bytes do not hold shape " + java.util.Arrays.toString(shape) + " of " + dtype);
        }
        return info;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file)
            throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException(file + ": truncated safetensors file");
            }
            pos += n;
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Maps a tensor's bytes read-only, little-endian, without copying them onto the Java heap. */
    public static ByteBuffer map(TensorInfo info) throws IOException {
        try (FileChannel channel = FileChannel.open(info.file(), StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.offset(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
