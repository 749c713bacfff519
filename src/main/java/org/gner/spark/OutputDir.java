package org.gner.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A job's output folder on any Hadoop file system (local, HDFS, S3A): refused when it exists unless
 * {@code --overwrite}, in which case it is deleted first.
 */
public final class OutputDir {
    private final FileSystem fs;
    private final Path root;

    private OutputDir(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    public static OutputDir prepare(SparkSession spark, String location, boolean overwrite) {
        try {
            Path root = new Path(location);
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path qualified = fs.makeQualified(root);
            if (fs.exists(qualified)) {
                if (!overwrite) {
                    throw new IllegalArgumentException("output " + qualified + " already exists (use --overwrite)");
                }
                fs.delete(qualified, true);
            }
            fs.mkdirs(qualified);
            return new OutputDir(fs, qualified);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare output " + location + ": " + e.getMessage(), e);
        }
    }

    public String child(String name) {
        return new Path(root, name).toString();
    }

    public String root() {
        return root.toString();
    }

    /**
     * Turns a folder Spark wrote with one partition into the single file {@code name} under the root
     * (an empty file when Spark wrote no part), then deletes the folder.
     */
    public void adoptSinglePart(String partsFolder, String name) {
        Path folder = new Path(partsFolder);
        Path target = new Path(root, name);
        try {
            List<Path> parts = new ArrayList<>();
            for (FileStatus status : fs.listStatus(folder)) {
                if (status.isFile() && status.getPath().getName().startsWith("part-")) {
                    parts.add(status.getPath());
                }
            }
            if (parts.size() > 1) {
                throw new IllegalStateException(partsFolder + " holds " + parts.size() + " parts, expected one");
            }
            fs.delete(target, false);
            if (parts.isEmpty()) {
                fs.create(target, true).close();
            } else if (!fs.rename(parts.get(0), target)) {
                throw new IOException("rename of " + parts.get(0) + " failed");
            }
            fs.delete(folder, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public void writeText(String name, String text) {
        try (OutputStream out = fs.create(new Path(root, name), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + child(name) + ": " + e.getMessage(), e);
        }
    }
}
