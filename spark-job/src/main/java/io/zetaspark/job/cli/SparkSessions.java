package io.zetaspark.job.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the CLI's SparkSession. Precedence, lowest first: local defaults, the properties file,
 * settings already present in the JVM (spark-submit passes them as system properties), then
 * {@code --conf}. The master is {@code --master} when given, else an existing {@code spark.master}
 * (spark-submit), else the properties file's, else {@code local[*]}. Local defaults: UI off,
 * console progress bar on, shuffle partitions = local cores. A session that already exists in the
 * JVM (a notebook, a test) is reused and left running.
 */
public final class SparkSessions {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private SparkSessions() {
    }

    /** Set to its default by the CLI's sessions (see {@link #settings}); a value given by the user wins. */
    static final String TYPES_FRAMEWORK_CONF = "spark.sql.types.framework.enabled";

    /** A session and whether closing it should stop it. */
    public static final class Handle implements AutoCloseable {
        private final SparkSession spark;
        private final boolean owned;

        Handle(SparkSession spark, boolean owned) {
            this.spark = spark;
            this.owned = owned;
        }

        public SparkSession spark() {
            return spark;
        }

        @Override
        public void close() {
            if (owned) {
                spark.stop();
            }
        }
    }

    public static Handle open(String appName, SparkOptions opts) {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession existing = SparkSession.getDefaultSession().get();
            if (!existing.sparkContext().isStopped()) {
                return new Handle(existing, false);
            }
        }
        Map<String, String> settings = settings(opts);
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            b = b.config(e.getKey(), e.getValue());
        }
        return new Handle(b.getOrCreate(), true);
    }

    /** The settings the session will be built with (including spark.master); package-visible for tests. */
    static Map<String, String> settings(SparkOptions opts) {
        SparkConf inJvm = new SparkConf(); // spark.* system properties, as spark-submit passes them
        Map<String, String> file = opts.propertiesFile != null ? readProperties(opts.propertiesFile)
                : System.getProperty(SparkOptions.PROPERTIES_PROPERTY) != null
                        ? readProperties(System.getProperty(SparkOptions.PROPERTIES_PROPERTY)) : Map.of();
        String master = opts.master != null ? opts.master
                : opts.conf.containsKey("spark.master") ? opts.conf.get("spark.master")
                : inJvm.contains("spark.master") ? inJvm.get("spark.master")
                : file.getOrDefault("spark.master", "local[*]");

        Map<String, String> s = new LinkedHashMap<>();
        s.put("spark.ui.showConsoleProgress", "true");
        // Spark 4.2 reads this conf for every array element an interpreted expression reads (the run
        // report's aggregate() over nbr_w), and while it is unset it evaluates its default each time,
        // which reads an environment variable; false is that default outside Spark's own tests
        s.put(TYPES_FRAMEWORK_CONF, "false");
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            int cores = local.group(1) == null ? 1
                    : local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(local.group(1));
            s.put("spark.ui.enabled", "false");
            s.put("spark.sql.shuffle.partitions", String.valueOf(Math.max(1, cores)));
        }
        for (Map.Entry<String, String> e : file.entrySet()) {
            if (!inJvm.contains(e.getKey())) {
                s.put(e.getKey(), e.getValue());
            }
        }
        for (scala.Tuple2<String, String> e : inJvm.getAll()) {
            s.remove(e._1()); // already in the JVM: the builder picks it up itself
        }
        s.putAll(opts.conf);
        s.put("spark.master", master);
        return s;
    }

    private static Map<String, String> readProperties(String path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Paths.get(path), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Spark properties file " + path, e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.trim(), p.getProperty(k).trim());
        }
        return m;
    }
}
