package org.gner.spark;

import org.apache.spark.sql.SparkSession;

/** A small local[2] session for job tests: no UI, few shuffle partitions. */
public final class SparkTestSession {
    private SparkTestSession() {}

    public static SparkSession start() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("gner-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}
