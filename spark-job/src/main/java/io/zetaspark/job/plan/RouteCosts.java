package io.zetaspark.job.plan;

import org.apache.spark.sql.SparkSession;

/**
 * Which route is cheaper for a sequence that fits one task, on a session with many cores: the
 * in-task engine, split into at most {@link SequenceRoutes#MAX_PARTS} parts that run side by side,
 * or the distributed plan's sites, which spread one sequence over every core.
 *
 * <p>The model, in units of the in-memory engine's one-thread time T on the sequence: the in-task
 * route takes about T / p on p parts (its parts re-read the earlier rows as keys, so more parts do
 * not pay: the last one builds every level); the sites take about σ·T / C on C cores, σ being the
 * sum of the distributed plan's task times over T (measured on the development VM by
 * {@code PlanBenchmark}, docs/BENCHMARKS.md "Scale-out": about 1.7). So the sites win when
 * C &gt; σ·p, and their fixed cost per step (a few tenths of a second each) is small against T only
 * for long sequences. A sequence goes to the sites when it has at least {@link #MIN_TOKENS} tokens,
 * the session has at least {@link #MIN_CORES} cores and σ / C &lt; 1 / p; the output bytes are the
 * same either way.
 */
public final class RouteCosts {
    /** Spark conf key: σ, the distributed plan's task time over the engine's one-thread time. */
    public static final String RATIO_CONF = "spark.zeta.distributed.costRatio";
    /** Spark conf key: the fewest cores with which a sequence that fits a task may go to the sites. */
    public static final String MIN_CORES_CONF = "spark.zeta.distributed.minCores";
    /** Spark conf key: the shortest sequence that may go to the sites when it fits a task. */
    public static final String MIN_TOKENS_CONF = "spark.zeta.distributed.minTokens";
    static final double RATIO = 1.7;
    static final int MIN_CORES = 8;
    static final long MIN_TOKENS = 1L << 20;

    final double ratio;
    final int cores;
    final int minCores;
    final long minTokens;

    RouteCosts(double ratio, int cores, int minCores, long minTokens) {
        this.ratio = ratio;
        this.cores = cores;
        this.minCores = minCores;
        this.minTokens = minTokens;
    }

    /** The model with the session's cores (Spark's default parallelism) and its confs. */
    public static RouteCosts of(SparkSession spark) {
        return new RouteCosts(Double.parseDouble(spark.conf().get(RATIO_CONF, String.valueOf(RATIO))),
                spark.sparkContext().defaultParallelism(),
                Integer.parseInt(spark.conf().get(MIN_CORES_CONF, String.valueOf(MIN_CORES))),
                Long.parseLong(spark.conf().get(MIN_TOKENS_CONF, String.valueOf(MIN_TOKENS))));
    }

    /** Whether a sequence of {@code n} tokens that the in-task route would run on {@code parts} parts is cheaper on the sites. */
    boolean sitesCheaper(long n, int parts) {
        return n >= minTokens && cores >= minCores && ratio / cores < 1.0 / Math.max(1, parts);
    }
}
