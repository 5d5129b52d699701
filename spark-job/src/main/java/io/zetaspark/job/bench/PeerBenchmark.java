package io.zetaspark.job.bench;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * ZETA against the exact causal top-k attention as a Spark 4.2 user would write it today: a
 * self-join {@code EXACT NEAREST k BY DISTANCE} whose ranking is the squared distance for earlier
 * keys and NULL for later ones (NULL ranks are never returned), followed by the Cauchy-weighted
 * value aggregation in SQL. Also ZETA's own exact mode and a single-threaded in-memory brute force
 * (the oracle's selection and the engine's outputs). One Gaussian sequence (d = 3, dv = 16) per
 * size; every Spark step reads the same Parquet input and writes to the {@code noop} sink.
 *
 * <p>A slow step is stopped: once one size runs past the budget (its Spark jobs are cancelled), the
 * larger sizes are not run and their time is extrapolated from the growth exponent fitted to the
 * sizes that finished, marked as such.
 *
 * <pre>java ... io.zetaspark.job.bench.PeerBenchmark [sizes=4096,...,65536] [budget s=900] [report] [master]</pre>
 */
public final class PeerBenchmark {
    static final String HEADING = "## Speed: ZETA against the exact causal top-k a Spark user would write";
    private static final int DV = 16;

    private PeerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long[] sizes = Arrays.stream((args.length > 0 ? args[0] : "4096,8192,16384,32768,65536").split(","))
                .mapToLong(Long::parseLong).toArray();
        double budget = args.length > 1 ? Double.parseDouble(args[1]) : 900;
        Path report = Paths.get(args.length > 2 ? args[2] : "docs/BENCHMARKS.md");
        String master = args.length > 3 ? args[3] : "local[2]";
        SparkSession spark = SparkSession.builder().master(master).appName("zeta-peer-benchmark")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        String md = run(spark, sizes, budget, 3).replace("Command: `bin/zeta bench-peers`",
                "Command: `bin/zeta bench-peers " + String.join(" ", args) + "`");
        spark.stop();
        System.out.print(md);
        BenchmarkReport.replaceSection(report, HEADING, md);
    }

    /**
     * The peer: exact causal top-k by Spark's NEAREST BY join over the view {@code tokens}, then the
     * weighted mean of the k values ({@code w = 1 / (δ + γ²)}, no mean slot); with
     * {@code positions} also the selected positions, best first.
     */
    static String peerSql(String view, int k, int d, int dv, double gamma, boolean positions) {
        StringBuilder dist = new StringBuilder();
        for (int m = 0; m < d; m++) {
            dist.append(m == 0 ? "" : " + ").append(String.format(Locale.ROOT,
                    "(CAST(a.q[%d] AS DOUBLE) - CAST(b.k[%d] AS DOUBLE)) * (CAST(a.q[%d] AS DOUBLE) - CAST(b.k[%d] AS DOUBLE))",
                    m, m, m, m));
        }
        return String.format(Locale.ROOT, "WITH nn AS ("
                + " SELECT a.seq, a.pos, b.pos AS kpos, b.v AS kv, (%s) AS dist"
                + " FROM %s a JOIN %s b EXACT NEAREST %d BY DISTANCE (CASE WHEN b.seq = a.seq AND b.pos <= a.pos THEN %s END)"
                + "), grouped AS ("
                + " SELECT seq, pos, array_sort(collect_list(struct(dist, -kpos AS negpos, 1.0D / (dist + %s) AS w, kv)))"
                + " AS nbrs FROM nn GROUP BY seq, pos)"
                + " SELECT seq, pos, transform(sequence(0, %d), i -> CAST(aggregate(nbrs, 0.0D, (acc, e) -> acc + e.w * e.kv[i])"
                + " / aggregate(nbrs, 0.0D, (acc, e) -> acc + e.w) AS FLOAT)) AS out%s FROM grouped",
                dist, view, view, k, dist, Double.toString(gamma * gamma), dv - 1,
                positions ? ", transform(nbrs, e -> -e.negpos) AS nbr_pos" : "");
    }

    /** One step's time: finished (seconds of each run) or stopped after the budget. */
    record Step(double[] secs, boolean stopped) {
        double min() {
            return Arrays.stream(secs).min().orElse(Double.NaN);
        }

        double median() {
            double[] s = secs.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    static String run(SparkSession spark, long[] sizes, double budget, int runs) throws Exception {
        Path dir = Files.createTempDirectory("zeta-peer-bench");
        ZetaParams params = ZetaParams.defaults();
        long started = System.nanoTime();
        int cols = 4;
        String[] names = {"ZETA (defaults)", "ZETA exact mode", "in-memory brute force, 1 thread", "NEAREST BY join"};
        Step[][] steps = new Step[sizes.length][cols];
        boolean[] stopped = new boolean[cols];
        for (int si = 0; si < sizes.length; si++) {
            long n = sizes[si];
            Path input = dir.resolve("gauss-" + n);
            SyntheticTokens.of(n).withSequences(1).withKind(SyntheticTokens.Kind.GAUSSIAN).withD(3).withDv(DV).withSeed(42)
                    .generate(spark, 4).write().parquet(input.toString());
            Dataset<Row> tokens = spark.read().parquet(input.toString());
            tokens.createOrReplaceTempView("tokens");
            String sql = peerSql("tokens", params.k(), 3, DV, params.gamma(), false);
            Runnable[] work = {
                () -> Zeta.attention(spark.read().parquet(input.toString()), params).write().format("noop").mode("overwrite").save(),
                () -> Zeta.attention(spark.read().parquet(input.toString()), params.withExact(true)).write().format("noop")
                        .mode("overwrite").save(),
                () -> bruteForce(spark.read().parquet(input.toString()), params),
                () -> spark.sql(sql).write().format("noop").mode("overwrite").save()
            };
            for (int c = 0; c < cols; c++) {
                if (stopped[c]) {
                    continue;
                }
                steps[si][c] = time(spark, names[c] + " n=" + n, work[c], runs, budget);
                stopped[c] = steps[si][c].stopped;
            }
        }
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.PeerBenchmark` (%.0f s). Machine: %d cores, "
                        + "%.1f GiB max heap, JDK %s, Spark %s, master %s, spark.sql.shuffle.partitions=4. One Gaussian "
                        + "sequence per size (d = 3, dv = 16), ZETA at its defaults (k = 32). The peer is Spark %s's "
                        + "`a JOIN b EXACT NEAREST 32 BY DISTANCE (CASE WHEN b.seq = a.seq AND b.pos <= a.pos THEN "
                        + "<squared distance> END)` (NULL ranks exclude later keys) followed by the Cauchy-weighted "
                        + "mean of the 32 values in SQL (`collect_list`, `aggregate`; no mean slot), written to the "
                        + "`noop` sink; ZETA's exact mode is the operator's own brute force; the in-memory brute force "
                        + "is `ExactOracle.select` and the engine's outputs on one thread (data collected to the driver "
                        + "first, included). Times: min / median of %d runs after a warm-up for steps under %.0f s, one "
                        + "run otherwise; a step that passes %.0f s is cancelled, the larger sizes are not run, and "
                        + "their time is extrapolated from the growth exponent of the sizes it finished (*italic*).%n%n",
                java.time.LocalDate.now(), (System.nanoTime() - started) / 1e9, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), System.getProperty("java.version"),
                spark.version(), spark.sparkContext().master(), spark.version(), runs, 30.0, budget, budget));
        md.append("| tokens |");
        for (String name : names) {
            md.append(' ').append(name).append(" s |");
        }
        md.append(" NEAREST BY / ZETA | exact mode / ZETA |\n|---:|");
        md.append("---:|".repeat(cols + 2)).append('\n');
        double[] exponents = new double[cols];
        for (int c = 0; c < cols; c++) {
            List<double[]> pts = new ArrayList<>();
            for (int si = 0; si < sizes.length; si++) {
                if (steps[si][c] != null && !steps[si][c].stopped) {
                    pts.add(new double[] {sizes[si], steps[si][c].min()});
                }
            }
            exponents[c] = pts.size() >= 2 ? PlanBenchmark.slope(pts) : Double.NaN;
        }
        for (int si = 0; si < sizes.length; si++) {
            md.append(String.format(Locale.ROOT, "| %,d |", sizes[si]));
            double[] t = new double[cols];
            for (int c = 0; c < cols; c++) {
                Step s = steps[si][c];
                if (s != null && !s.stopped) {
                    t[c] = s.min();
                    md.append(s.secs.length > 1 ? String.format(Locale.ROOT, " %.2f / %.2f |", s.min(), s.median())
                            : String.format(Locale.ROOT, " %.1f |", s.min()));
                } else {
                    t[c] = extrapolate(sizes, steps, c, exponents[c], si);
                    md.append(Double.isNaN(t[c]) ? " – |" : String.format(Locale.ROOT, " *~%.0f*%s |", t[c],
                            s != null ? " (stopped at " + (int) budget + " s)" : ""));
                }
            }
            md.append(String.format(Locale.ROOT, " %s | %s |%n", ratio(t[3], t[0], steps[si][3]), ratio(t[1], t[0], steps[si][1])));
        }
        md.append("\nGrowth exponents (slope of log time over log n, finished sizes):");
        for (int c = 0; c < cols; c++) {
            md.append(String.format(Locale.ROOT, " %s %.2f%s", names[c], exponents[c], c < cols - 1 ? ";" : "."));
        }
        int last = sizes.length - 1;
        double zetaLast = steps[last][0] == null ? Double.NaN : steps[last][0].min();
        double peerLast = steps[last][3] != null && !steps[last][3].stopped ? steps[last][3].min()
                : extrapolate(sizes, steps, 3, exponents[3], last);
        md.append(String.format(Locale.ROOT, "%n%nTarget: at %,d tokens ZETA ≥ 50× faster than the NEAREST BY exact causal "
                        + "join. Measured: **%.0f×**%s.%n%nCommand: `bin/zeta bench-peers`%n%n", sizes[last],
                peerLast / zetaLast, steps[last][3] != null && !steps[last][3].stopped ? "" : " (peer time extrapolated)"));
        return md.toString();
    }

    private static String ratio(double peer, double zeta, Step s) {
        if (Double.isNaN(peer) || Double.isNaN(zeta)) {
            return "–";
        }
        boolean measured = s != null && !s.stopped;
        return String.format(Locale.ROOT, measured ? "%.0f×" : "*~%.0f×*", peer / zeta);
    }

    /** The time of step c at size index si from the last finished size and the fitted exponent (NaN if none). */
    private static double extrapolate(long[] sizes, Step[][] steps, int c, double exponent, int si) {
        for (int j = si - 1; j >= 0; j--) {
            if (steps[j][c] != null && !steps[j][c].stopped && !Double.isNaN(exponent)) {
                return steps[j][c].min() * Math.pow(sizes[si] / (double) sizes[j], exponent);
            }
        }
        return Double.NaN;
    }

    /** The single-threaded in-memory brute force: exact selection and outputs of the whole sequence. */
    private static void bruteForce(Dataset<Row> input, ZetaParams params) {
        List<Row> rows = input.orderBy("pos").collectAsList();
        int n = rows.size();
        long[] pos = new long[n];
        float[] q = new float[n * 3];
        float[] k = new float[n * 3];
        float[] v = new float[n * DV];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            pos[i] = r.getLong(r.fieldIndex("pos"));
            copy(r.getList(r.fieldIndex("q")), q, i * 3);
            copy(r.getList(r.fieldIndex("k")), k, i * 3);
            copy(r.getList(r.fieldIndex("v")), v, i * DV);
        }
        TokenSequence s = TokenSequence.of(pos, q, k, v, 3, DV);
        Selection sel = ExactOracle.select(s, params);
        ZetaAttention.attend(s, sel, params);
    }

    private static void copy(List<Float> from, float[] to, int off) {
        for (int i = 0; i < from.size(); i++) {
            to[off + i] = from.get(i);
        }
    }

    /** Runs {@code step} (warm-up and {@code runs} timed runs when it is fast, else once), cancelling it after the budget. */
    static Step time(SparkSession spark, String label, Runnable step, int runs, double budget) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String group = "bench-" + System.nanoTime();
            List<Double> secs = new ArrayList<>();
            for (int r = 0; r <= runs; r++) {
                long t0 = System.nanoTime();
                Future<?> f = pool.submit(() -> {
                    spark.sparkContext().setJobGroup(group, label, true);
                    step.run();
                });
                try {
                    f.get((long) (budget * 1000), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    spark.sparkContext().cancelJobGroup(group);
                    f.cancel(true);
                    System.err.printf(Locale.ROOT, "bench: %s stopped after %.0f s%n", label, budget);
                    return new Step(new double[] {budget}, true);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.err.printf(Locale.ROOT, "bench: %s run %d: %.2f s%n", label, r, s);
                if (r == 0 && s > 30) {
                    return new Step(new double[] {s}, false); // slow: the first run is the measurement
                }
                if (r > 0) {
                    secs.add(s);
                }
            }
            return new Step(secs.stream().mapToDouble(Double::doubleValue).toArray(), false);
        } finally {
            pool.shutdownNow();
        }
    }
}
