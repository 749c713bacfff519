package org.gner.testing;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StorageStatistics;

/**
 * Bytes this JVM has read through Hadoop's local file system ({@code file:}), which is how Spark reads
 * local input. Spark's task input metrics also count reads of cached blocks, so they cannot tell a
 * second pass over the input from a pass over the cache; this can.
 */
public final class LocalFileReads {
    private LocalFileReads() {}

    public static long bytesRead() {
        StorageStatistics statistics = FileSystem.getGlobalStorageStatistics().get("file");
        Long bytes = statistics == null ? null : statistics.getLong("bytesRead");
        return bytes == null ? 0 : bytes;
    }
}
