package io.zetaspark.job.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.job.report.StageMetrics;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Skew at scale (plan v2, defect 5): one long sequence next to very many short ones, as users call
 * the operator ({@link Zeta#attention}, default routes), with Spark's per-stage metrics: for every
 * stage that reads at least half the input's rows, its tasks, the rows they read, the most one task
 * read and that as a multiple of a fair share (rows / tasks), next to the stage's longest and
 * median task. A plain global sort of the same rows runs in the same session for the ratio. Writes
 * the section "Skew at scale" of docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code SkewBenchmark [longTokens=10000000] [shortSequences=100000] [shortTokens=10]
 * [runs=1] [out=docs/BENCHMARKS.md] [master=local[2]]}; {@code SkewBenchmark smoke OUT} runs a tiny
 * version (SkewBenchmarkSmokeTest). Before the timed runs, one run of the smoke size warms the JIT.
 */
public final class SkewBenchmark {
    static final String HEADING = "## Skew at scale: one long sequence next to many short ones";

    private SkewBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        boolean smoke = args.length > 0 && args[0].equals("smoke");
        int a = smoke ? 1 : 0;
        long longTokens = smoke ? 20_000 : arg(args, a, 10_000_000L);
        long shortSequences = smoke ? 1_000 : arg(args, a + 1, 100_000L);
        long shortTokens = smoke ? 5 : arg(args, a + 2, 10L);
        int runs = smoke ? 1 : (int) arg(args, a + 3, 1L);
        Path report = Paths.get(args.length > a + 4 ? args[a + 4] : "docs/BENCHMARKS.md");
        String master = args.length > a + 5 ? args[a + 5] : "local[2]";
        SparkSession spark = SparkSession.builder().master(master).appName("zeta-skew-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        String md = run(spark, longTokens, shortSequences, shortTokens, runs)
                .replace("Command: `bin/zeta bench-skew`",
                        ("Command: `bin/zeta bench-skew " + String.join(" ", smoke ? new String[] {"smoke", "OUT"} : args)).trim()
                                + "`");
        spark.stop();
        System.out.print(md);
        BenchmarkReport.replaceSection(report, HEADING, md);
    }

    private static long arg(String[] args, int i, long fallback) {
        return args.length > i ? Long.parseLong(args[i]) : fallback;
    }

    /** Runs the benchmark in the given session and returns its Markdown section. */
    public static String run(SparkSession spark, long longTokens, long shortSequences, long shortTokens, int runs)
            throws IOException {
        Path dir = Files.createTempDirectory("zeta-skew-bench");
        ZetaParams params = ZetaParams.defaults();
        StageMetrics metrics = new StageMetrics();
        spark.sparkContext().addSparkListener(metrics);
        long started = System.nanoTime();
        try {
            Dataset<Row> warm = input(spark, dir.resolve("warm"), Math.min(longTokens, 20_000),
                    Math.min(shortSequences, 1_000), shortTokens);
            zeta(warm, params);
            Dataset<Row> tokens = input(spark, dir.resolve("input"), longTokens, shortSequences, shortTokens);
            long total = longTokens + shortSequences * shortTokens;
            int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
            long limit = ZetaPlan.localLimit(spark, params, 3, 16);
            double[] sort = new double[runs];
            double[] zeta = new double[runs];
            List<StageMetrics.Stage> stages = List.of();
            for (int r = 0; r < runs; r++) {
                sort[r] = seconds(() -> tokens.orderBy(col("k").getItem(0), col("pos")).write().format("noop")
                        .mode("overwrite").save());
                StageMetrics.drain(spark.sparkContext());
                int mark = metrics.mark();
                zeta[r] = seconds(() -> zeta(tokens, params));
                StageMetrics.drain(spark.sparkContext());
                stages = metrics.since(mark);
                System.err.printf(Locale.ROOT, "bench-skew: run %d: sort %.1f s, zeta %.1f s%n", r, sort[r], zeta[r]);
            }
            StringBuilder md = new StringBuilder(HEADING).append("\n\n");
            md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.SkewBenchmark`. Machine: %d "
                            + "cores, %.1f GiB max heap, JDK %s, Spark %s, master %s, spark.sql.shuffle.partitions=%d. "
                            + "Input: one Gaussian sequence of %,d tokens and %,d sequences of %,d tokens (%,d tokens "
                            + "in all; d = 3, dv = 16, default parameters), as users call the operator "
                            + "(`Zeta.attention`, default routes: the in-task engine takes a sequence of up to %,d "
                            + "tokens in this session, a longer one goes through the distributed plan). %d timed "
                            + "run(s), after one run of a small input that warms the JIT; a run takes minutes.%n%n",
                    java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() / (double) (1L << 30), System.getProperty("java.version"),
                    spark.version(), spark.sparkContext().master(), partitions, longTokens, shortSequences, shortTokens,
                    total, limit, runs));
            md.append(String.format(Locale.ROOT, "Time: ZETA %.1f s (min), a plain global sort of the same rows %.1f s "
                    + "(min): **%.1f×**; %,.0f tokens/s.%n%n", min(zeta), min(sort), min(zeta) / min(sort),
                    total / min(zeta)));
            md.append("Every stage of the last run that reads at least half as many rows as the input holds (a fair "
                    + "share: rows read / tasks):\n\n");
            md.append("| stage | created at | tasks | s | rows read | largest task's rows | fair shares | longest tasks s "
                    + "|\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
            for (StageMetrics.Stage st : stages) {
                long read = st.shuffleReadRecords + st.inputRecords;
                if (read < total / 2) {
                    continue;
                }
                double fair = read / (double) Math.max(1, st.tasks);
                md.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f | %,d | %,d | %.2f | %s |%n",
                        st.id, st.name.replace("|", "/"), st.tasks, st.seconds, read, st.largestTaskRecords,
                        st.largestTaskRecords / fair, PlanBenchmark.longest(st.taskSeconds, 3)));
            }
            md.append(String.format(Locale.ROOT, "%nWhole benchmark: %.0f s. Command: `bin/zeta bench-skew`.%n%n",
                    (System.nanoTime() - started) / 1e9));
            return md.toString();
        } finally {
            spark.sparkContext().removeSparkListener(metrics);
        }
    }

    /** The long sequence ("long") and the short ones ("short-seq-…") as one Parquet input, written once. */
    private static Dataset<Row> input(SparkSession spark, Path path, long longTokens, long shortSequences,
                                      long shortTokens) {
        Dataset<Row> longOne = SyntheticTokens.of(longTokens).withD(3).withDv(16).withSeed(7).generate(spark, 8)
                .withColumn("seq", lit("long"));
        Dataset<Row> shortOnes = SyntheticTokens.of(shortSequences * shortTokens).withSequences(shortSequences)
                .withD(3).withDv(16).withSeed(8).generate(spark, 8)
                .withColumn("seq", concat(lit("short-"), col("seq")));
        longOne.unionByName(shortOnes).write().parquet(path.toString());
        return spark.read().parquet(path.toString());
    }

    private static void zeta(Dataset<Row> tokens, ZetaParams params) {
        Dataset<Row> out = Zeta.attention(tokens, params);
        out.write().format("noop").mode("overwrite").save();
        Zeta.release(out);
    }

    private static double seconds(Runnable step) {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }
}
