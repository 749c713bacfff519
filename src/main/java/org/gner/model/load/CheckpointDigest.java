package org.gner.model.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.gner.model.CheckpointFiles;

/**
 * A cheap fingerprint of a model folder: SHA-256 over the small files that shape its outputs
 * ({@code config.json}, {@code generation_config.json}, {@code tokenizer.json},
 * {@code tokenizer_config.json}, the safetensors index) in full, and over the name, size and header
 * of every {@code *.safetensors} file. Tensor bytes are not read (a 10 GB shard would take minutes),
 * so two checkpoints that differ only inside tensor data of identical layout get the same digest;
 * changed weights almost always come with another file size or header.
 */
public final class CheckpointDigest {
    static final List<String> SMALL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", CheckpointFiles.INDEX_FILE);

    private CheckpointDigest() {}

    /** Lower-case hex SHA-256 of {@code dir} as described above. */
    public static String of(Path dir) throws IOException {
        MessageDigest sha = sha256();
        for (String name : SMALL_FILES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                entry(sha, name, Files.size(file));
                sha.update(Files.readAllBytes(file));
            }
        }
        for (Path weights : safetensorsFiles(dir)) {
            entry(sha, weights.getFileName().toString(), Files.size(weights));
            sha.update(header(weights));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> safetensorsFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
        }
    }

    /** The 8-byte length and the JSON header of a safetensors file. */
    private static byte[] header(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, 0);
            long headerLength = length.flip().getLong();
            if (headerLength < 0 || 8 + headerLength > channel.size() || headerLength > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer all = ByteBuffer.allocate(8 + (int) headerLength);
            readFully(channel, all, 0);
            return all.array();
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    private static void entry(MessageDigest sha, String name, long size) {
        sha.update((name + "\0" + size + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
