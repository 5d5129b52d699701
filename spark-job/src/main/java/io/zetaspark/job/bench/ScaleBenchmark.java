package io.zetaspark.job.bench;

import static org.apache.spark.sql.functions.col;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.job.plan.sites.SitePlan;
import io.zetaspark.job.report.StageMetrics;
import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How one long sequence scales over the distributed plan's sites (issue: one sequence over the whole
 * cluster). Four parts, each writing its section of docs/BENCHMARKS.md:
 * <ul>
 *   <li>{@code scaleout N PARTITIONS RUNS}: the in-memory engine on one thread (T) and the
 *       distributed plan on N Gaussian tokens (dv = 64) over PARTITIONS partitions, local[2]:
 *       the sum of task times against T, every stage's longest task in fair shares, and a modelled
 *       time on 32 cores (Σ over stages of max(longest task, task time / 32) plus the driver's time
 *       between jobs), the speed-up a cluster user can expect;</li>
 *   <li>{@code growth SIZES RUNS}: the distributed plan forced on one sequence of each size (dv = 16),
 *       and the growth exponent of its time;</li>
 *   <li>{@code large N DIR} (run it in a JVM with -Xmx4g): N tokens (dv = 16) through the distributed
 *       plan, the peak heap after a collection, and a seeded sample of the output saved in DIR;</li>
 *   <li>{@code check N DIR} (a JVM with a larger heap): the in-memory engine's selection of the
 *       sampled queries against the saved output, and recall@32 against the exact oracle.</li>
 * </ul>
 */
public final class ScaleBenchmark {
    private static final String SCALE = "## Scale-out: one long sequence over many tasks";
    private static final String GROWTH = "## Distributed plan: time against length";
    private static final String LARGE = "## One long sequence in a 4 GiB heap";
    private static final int SAMPLE = 2000;

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        Path report = Paths.get(System.getProperty("zeta.bench.out", "docs/BENCHMARKS.md"));
        Path data = Paths.get(System.getProperty("zeta.bench.data", "target/bench-data"));
        Files.createDirectories(data);
        switch (mode) {
            case "scaleout": {
                long n = args.length > 1 ? Long.parseLong(args[1]) : 1 << 20;
                int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 64;
                int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
                SparkSession spark = session(partitions);
                BenchmarkReport.replaceSection(report, SCALE, scaleOut(spark, data, n, partitions, runs));
                spark.stop();
                break;
            }
            case "growth": {
                long[] sizes = Arrays.stream((args.length > 1 ? args[1] : "262144,1048576,4194304,16777216")
                        .split(",")).mapToLong(Long::parseLong).toArray();
                int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
                SparkSession spark = session(4);
                BenchmarkReport.replaceSection(report, GROWTH, growth(spark, data, sizes, runs));
                spark.stop();
                break;
            }
            case "large": {
                long n = args.length > 1 ? Long.parseLong(args[1]) : 1 << 24;
                SparkSession spark = session(4);
                large(spark, data, n);
                spark.stop();
                break;
            }
            case "check": {
                long n = args.length > 1 ? Long.parseLong(args[1]) : 1 << 24;
                SparkSession spark = session(4);
                BenchmarkReport.replaceSection(report, LARGE, check(spark, data, n));
                spark.stop();
                break;
            }
            default:
                throw new IllegalArgumentException("mode must be scaleout, growth, large or check, got " + mode);
        }
    }

    /**
     * local[2] with the given shuffle partitions. With many partitions, Spark's sort-based shuffle
     * writer (one file per map task) instead of one file per reduce partition: on this VM a file
     * open costs about 0.1 ms, and the bypass writer opens partitions² files per exchange.
     */
    private static SparkSession session(int partitions) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("zeta-scale-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.shuffle.sort.bypassMergeThreshold", String.valueOf(Math.min(200, Math.max(2, partitions / 4))))
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    private static Dataset<Row> tokens(SparkSession spark, Path dir, long n, int dv) {
        Path input = dir.resolve("gauss-" + n + "-dv" + dv);
        if (!Files.exists(input.resolve("_SUCCESS"))) {
            SyntheticTokens.of(n).withSequences(1).withKind(SyntheticTokens.Kind.GAUSSIAN).withD(3).withDv(dv)
                    .withSeed(42).generate(spark, 16).write().mode("overwrite").parquet(input.toString());
        }
        return spark.read().parquet(input.toString());
    }

    /** One distributed run to the noop sink: seconds, and the stages it ran. */
    private static double distributed(SparkSession spark, StageMetrics metrics, Dataset<Row> tokens, List<StageMetrics.Stage> out,
                                      long[] span) {
        spark.conf().set(ZetaPlan.LOCAL_MAX_TOKENS_CONF, "0");
        StageMetrics.drain(spark.sparkContext());
        int mark = metrics.mark();
        long t0 = System.currentTimeMillis();
        Dataset<Row> res = Zeta.attention(tokens, ZetaParams.defaults());
        res.write().format("noop").mode("overwrite").save();
        Zeta.release(res);
        long t1 = System.currentTimeMillis();
        StageMetrics.drain(spark.sparkContext());
        spark.conf().unset(ZetaPlan.LOCAL_MAX_TOKENS_CONF);
        out.clear();
        out.addAll(metrics.since(mark));
        span[0] = t0;
        span[1] = t1;
        return (t1 - t0) / 1e3;
    }

    /** The sequence in memory, sorted by position (v omitted when {@code withValues} is false). */
    private static TokenSequence collect(Dataset<Row> tokens, boolean withValues) {
        List<Row> rows = tokens.select("pos", "q", "k", withValues ? "v" : "pos").orderBy("pos").collectAsList();
        int n = rows.size();
        int d = rows.get(0).getList(1).size();
        int dv = withValues ? rows.get(0).getList(3).size() : 1;
        long[] pos = new long[n];
        float[] q = new float[n * d];
        float[] k = new float[n * d];
        float[] v = new float[n * dv];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            pos[i] = r.getLong(0);
            List<Object> ql = r.getList(1);
            List<Object> kl = r.getList(2);
            for (int m = 0; m < d; m++) {
                q[i * d + m] = (Float) ql.get(m);
                k[i * d + m] = (Float) kl.get(m);
            }
            if (withValues) {
                List<Object> vl = r.getList(3);
                for (int m = 0; m < dv; m++) {
                    v[i * dv + m] = (Float) vl.get(m);
                }
            }
            rows.set(i, null);
        }
        return TokenSequence.of(pos, q, k, v, d, dv);
    }

    // ------------------------------------------------------------------------------------------ scale-out

    static String scaleOut(SparkSession spark, Path dir, long n, int partitions, int runs) {
        StageMetrics metrics = new StageMetrics();
        spark.sparkContext().addSparkListener(metrics);
        Dataset<Row> tokens = tokens(spark, dir, n, 64);
        ZetaParams params = ZetaParams.defaults();
        // the engine on one thread, the same sequence in memory
        TokenSequence s = collect(tokens, true);
        new ZetaAttention(params).run(s.prefix(Math.min(s.size(), 65536))); // warm-up
        double engine = Double.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            new ZetaAttention(params).run(s);
            engine = Math.min(engine, (System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "scale-out: engine, one thread, run %d: %.2f s%n", r, (System.nanoTime() - t0) / 1e9);
        }
        s = null;
        List<StageMetrics.Stage> stages = new ArrayList<>();
        long[] span = new long[2];
        distributed(spark, metrics, tokens, stages, span); // warm-up
        double best = Double.MAX_VALUE;
        List<StageMetrics.Stage> bestStages = null;
        long[] bestSpan = null;
        for (int r = 0; r < runs; r++) {
            double t = distributed(spark, metrics, tokens, stages, span);
            System.out.printf(Locale.ROOT, "scale-out: distributed, run %d: %.2f s, %.1f s of tasks%n", r, t,
                    StageMetrics.taskSeconds(stages));
            if (t < best) {
                best = t;
                bestStages = new ArrayList<>(stages);
                bestSpan = span.clone();
            }
        }
        SitePlan.Report plan = SitePlan.lastReport();
        double tasks = StageMetrics.taskSeconds(bestStages);
        double idle = StageMetrics.idleSeconds(bestStages, bestSpan[0], bestSpan[1]);
        double model = idle;
        double worstShare = 0;
        StringBuilder table = new StringBuilder("| stage | tasks | task time s | longest task s | longest in fair shares "
                + "| shuffle records written | shuffle bytes/token |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (StageMetrics.Stage st : bestStages) {
            double total = Arrays.stream(st.taskSeconds).sum();
            model += Math.max(st.longestTask, total / 32);
            double share = st.taskSeconds.length == 0 || total == 0 ? 0 : st.longestTask / (total / st.taskSeconds.length);
            // a stage's fair share is only meaningful where there is work to share
            if (total >= 0.05 * st.taskSeconds.length && total > 1.0) {
                worstShare = Math.max(worstShare, share);
            }
            table.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %,d | %.0f |%n", st.name,
                    st.tasks, total, st.longestTask, share, st.shuffleWriteRecords, st.shuffleWriteBytes / (double) n));
        }
        StringBuilder md = new StringBuilder(SCALE).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.ScaleBenchmark scaleout %d %d %d`. "
                        + "Machine: %d cores, %.1f GiB max heap, JDK %s, Spark %s, master local[2], "
                        + "spark.sql.shuffle.partitions=%d (the sites: %d), spark.shuffle.sort.bypassMergeThreshold=%s. "
                        + "One Gaussian sequence of %,d tokens, d = 3, dv = 64, default parameters. The in-memory engine "
                        + "runs on one thread over the same sequence (`ZetaAttention.run`, min of %d after a warm-up); the "
                        + "distributed plan is forced (`spark.zeta.localEngine.maxTokens=0`), min of %d runs after a "
                        + "warm-up, written to the `noop` sink; task times are Spark's (a listener).%n%n",
                java.time.LocalDate.now(), n, partitions, runs, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), System.getProperty("java.version"),
                spark.version(), partitions, plan.sites, spark.conf().get("spark.shuffle.sort.bypassMergeThreshold"),
                n, runs, runs));
        md.append(String.format(Locale.ROOT, "| figure | measured | target |%n|---|---:|---|%n"
                        + "| in-memory engine, one thread (T) | %.1f s | |%n"
                        + "| distributed plan, local[2] | %.1f s | |%n"
                        + "| sum of the distributed plan's task times | %.1f s = **%.2f T** | ≤ 1.5 T |%n"
                        + "| longest task of any stage with work, in fair shares of its stage | **%.2f** | ≤ 2 |%n"
                        + "| driver's time between jobs | %.2f s | |%n"
                        + "| modelled time on 32 cores: Σ max(longest task, task time / 32) + driver | %.2f s = **T / %.1f** | ≤ T / 20 |%n"
                        + "| walks that left their site (site visits), most keys one site took for a walk | %,d, %d | ≤ W/2 = %d |%n%n",
                engine, best, tasks, tasks / engine, worstShare, idle, model, engine / model, plan.walks,
                plan.walkTakenMax, params.halfWindow()));
        md.append("Stages of the fastest distributed run:\n\n").append(table).append("\n");
        spark.sparkContext().removeSparkListener(metrics);
        System.out.print(md);
        return md.toString();
    }

    // ------------------------------------------------------------------------------------------ growth

    static String growth(SparkSession spark, Path dir, long[] sizes, int runs) {
        StageMetrics metrics = new StageMetrics();
        spark.sparkContext().addSparkListener(metrics);
        List<double[]> points = new ArrayList<>();
        StringBuilder table = new StringBuilder("| tokens | sites | distributed plan s | tokens/s | shuffle bytes/token "
                + "| walks (site visits) |\n|---:|---:|---:|---:|---:|---:|\n");
        List<StageMetrics.Stage> stages = new ArrayList<>();
        long[] span = new long[2];
        distributed(spark, metrics, tokens(spark, dir, Math.min(sizes[0], 65536), 16), stages, span); // warm-up
        for (long n : sizes) {
            Dataset<Row> t = tokens(spark, dir, n, 16);
            double best = Double.MAX_VALUE;
            long bytes = 0;
            for (int r = 0; r < runs; r++) {
                double s = distributed(spark, metrics, t, stages, span);
                System.out.printf(Locale.ROOT, "growth: %d tokens, run %d: %.2f s%n", n, r, s);
                if (s < best) {
                    best = s;
                    bytes = StageMetrics.shuffleBytes(stages);
                }
            }
            SitePlan.Report plan = SitePlan.lastReport();
            points.add(new double[] {n, best});
            table.append(String.format(Locale.ROOT, "| %,d | %d | %.1f | %,.0f | %.0f | %,d |%n", n, plan.sites, best,
                    n / best, bytes / (double) n, plan.walks));
        }
        double slope = slope(points);
        StringBuilder md = new StringBuilder(GROWTH).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.ScaleBenchmark growth`. Machine: %d "
                        + "cores, %.1f GiB max heap, JDK %s, Spark %s, master local[2], 4 shuffle partitions (the plan adds "
                        + "sites past 262,144 tokens each). One Gaussian sequence per size, d = 3, dv = 16, defaults, the "
                        + "distributed plan forced; min of %d run(s) after one warm-up run of a small input.%n%n",
                java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), System.getProperty("java.version"), spark.version(),
                runs));
        md.append(table);
        md.append(String.format(Locale.ROOT, "%nGrowth exponent (least-squares slope of log time over log n, %,d to %,d "
                + "tokens): **%.2f** (target ≤ 1.1).%n%n", sizes[0], sizes[sizes.length - 1], slope));
        spark.sparkContext().removeSparkListener(metrics);
        System.out.print(md);
        return md.toString();
    }

    static double slope(List<double[]> points) {
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += Math.log(p[0]);
            my += Math.log(p[1]);
        }
        mx /= points.size();
        my /= points.size();
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (Math.log(p[0]) - mx) * (Math.log(p[1]) - my);
            den += (Math.log(p[0]) - mx) * (Math.log(p[0]) - mx);
        }
        return num / den;
    }

    // ------------------------------------------------------------------------------------------ 16M in 4 GiB

    /** The sampled queries: a seeded hash of the position, {@link #SAMPLE} of {@code n} in expectation. */
    private static boolean sampled(long pos, long n) {
        long h = io.zetaspark.kernels.ShiftedCurves.splitMix64(pos ^ 0x16161616L);
        return Long.remainderUnsigned(h, Math.max(1, n / SAMPLE)) == 0;
    }

    static void large(SparkSession spark, Path dir, long n) throws IOException {
        StageMetrics metrics = new StageMetrics();
        spark.sparkContext().addSparkListener(metrics);
        Dataset<Row> tokens = tokens(spark, dir, n, 16);
        List<StageMetrics.Stage> stages = new ArrayList<>();
        long[] span = new long[2];
        double seconds;
        long peak;
        Path sample = dir.resolve("large-sample-" + n);
        try (HeapPeak heap = new HeapPeak()) {
            spark.conf().set(ZetaPlan.LOCAL_MAX_TOKENS_CONF, "0");
            long t0 = System.currentTimeMillis();
            Dataset<Row> res = Zeta.attention(tokens, ZetaParams.defaults());
            res.write().format("noop").mode("overwrite").save();
            seconds = (System.currentTimeMillis() - t0) / 1e3;
            peak = heap.bytes();
            StageMetrics.drain(spark.sparkContext());
            stages.addAll(metrics.since(0));
            // the sampled queries' selections (the output's last stage runs again; the exchanges are reused)
            org.apache.spark.sql.api.java.UDF1<Long, Boolean> pick = p -> sampled(p, n);
            spark.udf().register("zeta_sampled", pick, org.apache.spark.sql.types.DataTypes.BooleanType);
            res.where(org.apache.spark.sql.functions.callUDF("zeta_sampled", col("pos")))
                    .select("pos", "nbr_pos").write().mode("overwrite").parquet(sample.toString());
            Zeta.release(res);
            spark.conf().unset(ZetaPlan.LOCAL_MAX_TOKENS_CONF);
        }
        SitePlan.Report plan = SitePlan.lastReport();
        Properties p = new Properties();
        p.setProperty("tokens", String.valueOf(n));
        p.setProperty("seconds", String.valueOf(seconds));
        p.setProperty("peakHeap", String.valueOf(peak));
        p.setProperty("maxHeap", String.valueOf(Runtime.getRuntime().maxMemory()));
        p.setProperty("sites", String.valueOf(plan.sites));
        p.setProperty("steps", String.valueOf(plan.steps));
        p.setProperty("walks", String.valueOf(plan.walks));
        p.setProperty("shuffleBytes", String.valueOf(StageMetrics.shuffleBytes(stages)));
        p.setProperty("taskSeconds", String.valueOf(StageMetrics.taskSeconds(stages)));
        try (java.io.Writer w = Files.newBufferedWriter(dir.resolve("large-" + n + ".properties"), StandardCharsets.UTF_8)) {
            p.store(w, "ScaleBenchmark large");
        }
        System.out.printf(Locale.ROOT, "large: %,d tokens in %.1f s, peak heap after GC %.2f GiB of %.2f GiB%n", n,
                seconds, peak / (double) (1L << 30), Runtime.getRuntime().maxMemory() / (double) (1L << 30));
    }

    static String check(SparkSession spark, Path dir, long n) throws IOException {
        Properties run = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(dir.resolve("large-" + n + ".properties"), StandardCharsets.UTF_8)) {
            run.load(r);
        }
        List<Row> rows = spark.read().parquet(dir.resolve("large-sample-" + n).toString()).orderBy("pos").collectAsList();
        ZetaParams params = ZetaParams.defaults();
        TokenSequence s = collect(tokens(spark, dir, n, 16), false);
        int[] queries = new int[rows.size()];
        for (int j = 0; j < queries.length; j++) {
            int i = Arrays.binarySearch(s.pos(), rows.get(j).getLong(0));
            if (i < 0) {
                throw new IllegalStateException("sampled position " + rows.get(j).getLong(0) + " is not in the input");
            }
            queries[j] = i;
        }
        Selection engine = new ZetaAttention(params).selectSome(s, queries);
        Selection exact = ExactOracle.selectFor(s, params, queries);
        int equal = 0;
        long hashPlan = 17;
        long hashEngine = 17;
        RecallEvaluator ev = new RecallEvaluator();
        for (int j = 0; j < queries.length; j++) {
            long[] got = toLongs(rows.get(j).getList(1));
            long[] want = engine.positionsOf(j);
            if (Arrays.equals(got, want)) {
                equal++;
            }
            for (long x : got) {
                hashPlan = hashPlan * 31 + x;
            }
            for (long x : want) {
                hashEngine = hashEngine * 31 + x;
            }
            double[] approx = new double[got.length];
            int qi = queries[j];
            for (int e = 0; e < got.length; e++) {
                int ki = Arrays.binarySearch(s.pos(), got[e]);
                approx[e] = io.zetaspark.kernels.Distances.squared(s.q(), qi * 3, s.k(), ki * 3, 3);
            }
            double[] ex = exact.distancesOf(j);
            ev.add(approx, 0, approx.length, ex, 0, ex.length, null, 0, null, 0, 0);
        }
        StringBuilder md = new StringBuilder(LARGE).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.ScaleBenchmark large` (a JVM with "
                        + "-Xmx4g, local[2]) and `check` (a second JVM, which holds the sequence in memory for the "
                        + "engine and the oracle). One Gaussian sequence of %,d tokens, d = 3, dv = 16, defaults, the "
                        + "distributed plan forced (the plan chose %s sites), written to the `noop` sink.%n%n",
                java.time.LocalDate.now(), n, run.getProperty("sites")));
        double heap = Long.parseLong(run.getProperty("peakHeap")) / (double) (1L << 30);
        md.append(String.format(Locale.ROOT, "| figure | measured |%n|---|---:|%n"
                        + "| completed | yes, in %.0f s (%,.0f tokens/s; %.0f s of tasks) |%n"
                        + "| peak heap after a collection | %.2f GiB of a %.2f GiB heap |%n"
                        + "| shuffle | %.0f bytes/token |%n"
                        + "| steps after the first, walks (site visits) | %s, %,d |%n"
                        + "| sampled queries whose selection equals the in-memory engine's | **%d of %d** (selection hash %s: %016x, engine %016x) |%n"
                        + "| recall@32 of the sampled queries against the exact oracle | %.4f (lowest query %.3f) |%n%n",
                Double.parseDouble(run.getProperty("seconds")), n / Double.parseDouble(run.getProperty("seconds")),
                Double.parseDouble(run.getProperty("taskSeconds")), heap,
                Long.parseLong(run.getProperty("maxHeap")) / (double) (1L << 30),
                Long.parseLong(run.getProperty("shuffleBytes")) / (double) n, run.getProperty("steps"),
                Long.parseLong(run.getProperty("walks")), equal, queries.length, hashPlan == hashEngine ? "equal" : "differ",
                hashPlan, hashEngine, ev.recall(), ev.minQueryRecall()));
        System.out.print(md);
        return md.toString();
    }

    private static long[] toLongs(List<Object> l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) l.get(i);
        }
        return out;
    }
}
