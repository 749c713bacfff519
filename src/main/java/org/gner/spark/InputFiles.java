package org.gner.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** The files a job reads from one location: the file itself, or a folder's visible files in name order. */
final class InputFiles {
    private InputFiles() {}

    /**
     * @param what what the files hold, for the errors ("predictions", "documents")
     */
    static List<String> list(SparkSession spark, String location, String what) {
        try {
            Path path = new Path(location);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(what + " not found: " + location);
            }
            FileStatus status = fs.getFileStatus(path);
            if (status.isFile()) {
                return List.of(fs.makeQualified(path).toString());
            }
            List<String> files = new ArrayList<>();
            FileStatus[] children = fs.listStatus(path);
            Arrays.sort(children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
            for (FileStatus child : children) {
                String name = child.getPath().getName();
                if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                    files.add(child.getPath().toString());
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no " + what + " in " + location);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
        }
    }
}
