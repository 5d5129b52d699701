package io.zetaspark.job;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM (DESIGN.md section 5): local[2], no UI, 4 shuffle
 * partitions. Every test class takes it from here and never stops it; Spark's shutdown hook does.
 */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("zeta-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }
}
