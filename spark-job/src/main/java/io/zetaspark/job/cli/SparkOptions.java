package io.zetaspark.job.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the job gets its SparkSession; see {@link SparkSessions}. */
public final class SparkOptions {
    /** System property naming the default properties file (bin/zeta sets it to conf/spark-defaults.conf). */
    public static final String PROPERTIES_PROPERTY = "zeta.properties.file";

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: local[*], unless spark.master is already set (spark-submit sets it).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Spark setting (repeatable); wins over the properties file and spark-submit's settings.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--properties-file", paramLabel = "FILE",
            description = "Spark settings file in spark-defaults.conf format, applied where nothing else sets a key. "
                    + "Default: the file named by -D" + PROPERTIES_PROPERTY + " (bin/zeta: conf/spark-defaults.conf), else none.")
    String propertiesFile;

    public SparkOptions() {
    }

    /** For programmatic use and tests. */
    public SparkOptions(String master, Map<String, String> conf, String propertiesFile) {
        this.master = master;
        this.conf = conf == null ? new LinkedHashMap<>() : new LinkedHashMap<>(conf);
        this.propertiesFile = propertiesFile;
    }
}
