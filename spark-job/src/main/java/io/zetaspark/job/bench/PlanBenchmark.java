package io.zetaspark.job.bench;

import static org.apache.spark.sql.functions.col;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.job.plan.ZetaEvaluation;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.job.plan.sites.SitePlan;
import io.zetaspark.job.report.StageMetrics;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * End-to-end cost of the operator against the floor the design names (DESIGN.md §2): a plain Spark
 * global sort of the same token rows, measured side by side in one JVM, plus Spark's own per-stage
 * shuffle metrics ({@link StageMetrics}). Every figure is the min and median of several runs after
 * a discarded warm-up. Writes the section "Spark job" of docs/BENCHMARKS.md.
 *
 * <p>What it measures:
 * <ol>
 *   <li>one Gaussian sequence (d=3, dv=64, default parameters) at each size, and the same total as
 *       the kind mix (many sequences): the global sort, ZETA
 *       as users call it ({@link Zeta#attention}: validation, then the plan with its default routes)
 *       and, up to {@code distributedMax} tokens, ZETA with every sequence forced through the
 *       distributed plan ({@link ZetaPlan#LOCAL_MAX_TOKENS_CONF}=0); ratios to the sort; shuffle rows
 *       and bytes per token; the peak heap after a collection ({@link HeapPeak}); the growth exponent
 *       of ZETA's time over the sizes, and a log-log plot (docs/img/plan-scaling.png);</li>
 *   <li>the quick start's input (1,048,576 tokens, kind mix, dv=16): time, tokens/s and the stage
 *       table;</li>
 *   <li>4,096 tokens in one sequence, in a warm session (a notebook user's repeated call);</li>
 *   <li>recall@32 of the default output against the exact oracle on seeded samples.</li>
 * </ol>
 *
 * <p>Usage: {@code PlanBenchmark [sizes=65536,262144,1048576,4194304] [runs=3] [distributedMax=1048576]
 * [out=docs/BENCHMARKS.md] [master=local[2]]}; {@code PlanBenchmark smoke OUT} runs a tiny version
 * (PlanBenchmarkSmokeTest runs it so that the program cannot rot).
 */
public final class PlanBenchmark {
    private static final String HEADING = "## Spark job: ZETA vs a plain global sort";

    private PlanBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        boolean smoke = args.length > 0 && args[0].equals("smoke");
        int a = smoke ? 1 : 0;
        long[] sizes = smoke ? new long[] {2048, 4096}
                : Arrays.stream((args.length > a ? args[a] : "65536,262144,1048576,4194304").split(","))
                        .mapToLong(Long::parseLong).toArray();
        int runs = smoke ? 1 : args.length > a + 1 ? Integer.parseInt(args[a + 1]) : 3;
        long distributedMax = smoke ? 2048 : args.length > a + 2 ? Long.parseLong(args[a + 2]) : 1 << 22;
        Path report = Paths.get(args.length > a + 3 ? args[a + 3] : "docs/BENCHMARKS.md");
        String master = args.length > a + 4 ? args[a + 4] : "local[2]";
        SparkSession spark = SparkSession.builder().master(master).appName("zeta-plan-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.sql.adaptive.autoBroadcastJoinThreshold", "256m")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        String md = run(spark, sizes, runs, distributedMax, smoke, report)
                .replace("Command: `bin/zeta bench-plan smoke OUT`", "Command: `bin/zeta bench-plan " + String.join(" ", args) + "`")
                .replace("Command: `bin/zeta bench-plan`", "Command: `bin/zeta bench-plan " + String.join(" ", args) + "`");
        spark.stop();
        System.out.print(md);
        BenchmarkReport.replaceSection(report, HEADING, md);
    }

    /** Runs the benchmark in the given session and returns its Markdown section. */
    public static String run(SparkSession spark, long[] sizes, int runs, long distributedMax, boolean smoke, Path report)
            throws IOException {
        String master = spark.sparkContext().master();
        String partitions = spark.conf().get("spark.sql.shuffle.partitions");
        StageMetrics metrics = new StageMetrics();
        spark.sparkContext().addSparkListener(metrics);
        Path dir = Files.createTempDirectory("zeta-plan-bench");
        ZetaParams params = ZetaParams.defaults();
        long started = System.nanoTime();
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s by `io.zetaspark.job.bench.PlanBenchmark`. Machine: %d cores, "
                        + "%.1f GiB max heap, JDK %s, Spark %s, master %s, spark.sql.shuffle.partitions=%s, AQE %s; "
                        + "load average at start %.2f. Defaults: k=32, 4 curves, W=192, M=256, d=3. Every step reads "
                        + "the same Parquet input and writes to Spark's `noop` sink. Times: min / median of %d "
                        + "run(s) after a discarded warm-up run. Shuffle figures are Spark's task metrics summed "
                        + "over the stages of one run (rows and bytes written to the shuffle).%n%n",
                java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), System.getProperty("java.version"),
                spark.version(), master, partitions, spark.conf().get("spark.sql.adaptive.enabled", "true").equals("true")
                        ? "on" : "off", loadAverage(), runs));

        // 1. one sequence at each size, and a mix of many sequences with the same total
        md.append("### Scaling: one sequence, and a mix of many sequences (Gaussian, dv = 64)\n\n");
        md.append("Each size twice: one sequence of n tokens, and the same total as the kind `mix` (half the tokens in "
                + "one sequence, the rest in sequences of 100 to 2,000 tokens, as in the quick start). Peak heap: the "
                + "largest heap occupancy right after a garbage collection during the timed runs (local mode: the "
                + "executors are this JVM).\n\n");
        md.append("| tokens | input | global sort s (min / med) | ZETA s (min / med) | ZETA / sort | ZETA tokens/s "
                + "| route | shuffle rows/token | shuffle bytes/token | peak heap MiB | distributed plan s (min / med) "
                + "| distributed / in-task | distributed / sort | distributed records/token (Spark / sites) "
                + "| distributed bytes/token |\n");
        md.append("|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<double[]> growth = new ArrayList<>();
        List<double[]> growthMix = new ArrayList<>();
        List<double[]> growthSort = new ArrayList<>();
        StringBuilder profiles = new StringBuilder();
        StringBuilder distProfiles = new StringBuilder();
        for (long n : sizes) {
            for (boolean mixed : new boolean[] {false, true}) {
                Dataset<Row> tokens = mixed
                        ? tokens(spark, dir, "mix64-" + n, n, 1, SyntheticTokens.Kind.MIX, 64, 42)
                        : tokens(spark, dir, "gauss-" + n, n, 1, SyntheticTokens.Kind.GAUSSIAN, 64, 42);
                Timing sort = time(spark, metrics, runs, "sort", () -> sortToNoop(tokens));
                Timing zeta = time(spark, metrics, runs, "zeta", () -> zetaToNoop(tokens, params));
                String route = mixed ? "both" : ZetaPlan.localLimit(spark, params, 3, 64) >= n ? "in-task engine" : "distributed";
                String distCells = "– | – | – | – | –";
                if (!mixed && n <= distributedMax) {
                    long[] siteRecords = new long[1];
                    Timing dist = withConf(spark, ZetaPlan.LOCAL_MAX_TOKENS_CONF, "0", () ->
                            time(spark, metrics, smoke ? 1 : runs, "zeta distributed", () -> {
                                zetaToNoop(tokens, params);
                                siteRecords[0] = SitePlan.lastReport().records.value();
                            }));
                    distCells = String.format(Locale.ROOT, "%.1f / %.1f | **%.2f×** | %.1f× | %.2f / %.1f | %,.0f",
                            dist.min(), dist.median(), dist.min() / zeta.min(), dist.min() / sort.min(),
                            dist.rows / (double) n, siteRecords[0] / (double) n, dist.bytes / (double) n);
                    if (n >= 1 << 20) {
                        distProfiles.append(String.format(Locale.ROOT, "%n%,d tokens, one sequence, the distributed "
                                + "plan forced (last run, %.2f s; the in-task route: %.2f s; the global sort: %.2f s):%n%n",
                                n, dist.lastSeconds(), zeta.min(), sort.min()));
                        distProfiles.append(stageTable(dist.lastStages, n));
                    }
                }
                (mixed ? growthMix : growth).add(new double[] {n, zeta.min()});
                if (!mixed) {
                    growthSort.add(new double[] {n, sort.min()});
                    if (n >= 1 << 20) {
                        profiles.append(String.format(Locale.ROOT, "%n%,d tokens, one sequence (last run, %.2f s; the "
                                + "global sort of the same rows: %.2f s):%n%n", n, zeta.lastSeconds(), sort.min()));
                        profiles.append(stageTable(zeta.lastStages, n));
                    }
                }
                md.append(String.format(Locale.ROOT, "| %,d | %s | %.2f / %.2f | %.2f / %.2f | **%.1f×** | %,.0f | %s | %.1f "
                                + "| %,.0f | %s | %s |%n", n, mixed ? "mix" : "one sequence", sort.min(), sort.median(),
                        zeta.min(), zeta.median(), zeta.min() / sort.min(), n / zeta.min(), route, zeta.rows / (double) n,
                        zeta.bytes / (double) n, zeta.peakHeap > 0 ? String.format(Locale.ROOT, "%,d", zeta.peakHeap >> 20) : "–",
                        distCells));
            }
        }
        if (growth.size() >= 2) {
            md.append(String.format(Locale.ROOT, "%nGrowth exponent of the time (least-squares slope of log time over "
                            + "log n, %,d to %,d tokens): ZETA one sequence **%.2f**, ZETA mix **%.2f**, global sort %.2f.%n",
                    sizes[0], sizes[sizes.length - 1], slope(growth), slope(growthMix), slope(growthSort)));
            List<double[]> upper = new ArrayList<>();
            for (double[] g : growth) {
                if (g[0] >= (1 << 18)) {
                    upper.add(g);
                }
            }
            if (upper.size() >= 2 && upper.size() < growth.size()) {
                md.append(String.format(Locale.ROOT, "From %,d tokens up (the issue's range): ZETA one sequence %.2f.%n",
                        (long) upper.get(0)[0], slope(upper)));
            }
            String plot = "img/plan-scaling.png";
            plotScaling(growthSort, growth, growthMix, report.toAbsolutePath().getParent().resolve(plot));
            md.append(String.format(Locale.ROOT, "%n![time against tokens](%s)%n%n", plot));
        }
        if (distProfiles.length() > 0) {
            md.append("The distributed plan's stages (one sequence forced onto the sites; a stage is named after "
                    + "the step it runs):\n");
            md.append(distProfiles).append("\n");
        }
        if (profiles.length() > 0) {
            md.append("Where the time of the largest one-sequence runs goes: Spark's stages of the last timed run, "
                    + "with the longest and the median task of each (two tasks at most run at once on local[2], so "
                    + "a stage lasts about as long as its longest task when it has two or fewer).\n");
            md.append(profiles).append("\n");
        }

        // 2. the quick start's input, with its stage table
        long mixN = smoke ? 4096 : 1 << 20;
        Dataset<Row> mix = tokens(spark, dir, "mix", mixN, smoke ? 4 : 500, SyntheticTokens.Kind.MIX, 16, 42);
        Timing mixSort = time(spark, metrics, runs, "sort", () -> sortToNoop(mix));
        Timing mixZeta = time(spark, metrics, runs, "zeta", () -> zetaToNoop(mix, params));
        md.append(String.format(Locale.ROOT, "### The quick start's input (%,d tokens, kind mix, dv = 16)%n%n"
                        + "ZETA %.2f / %.2f s (min / median), %,.0f tokens/s; global sort %.2f s; ratio **%.1f×**. "
                        + "Shuffle: %.1f rows and %,.0f bytes per token. Stages of the last run:%n%n",
                mixN, mixZeta.min(), mixZeta.median(), mixN / mixZeta.min(), mixSort.min(), mixZeta.min() / mixSort.min(),
                mixZeta.rows / (double) mixN, mixZeta.bytes / (double) mixN));
        md.append(stageTable(mixZeta.lastStages, mixN));

        // 3. a small input in a warm session
        long smallN = 4096;
        Dataset<Row> small = tokens(spark, dir, "small", smallN, 1, SyntheticTokens.Kind.GAUSSIAN, 16, 7);
        Timing smallZeta = time(spark, metrics, smoke ? 1 : 5, "zeta", () -> zetaToNoop(small, params));
        md.append(String.format(Locale.ROOT, "%n### 4,096 tokens, one sequence, warm session%n%n"
                        + "ZETA %.2f / %.2f s (min / median of %d), %d Spark stages per call.%n%n",
                smallZeta.min(), smallZeta.median(), smoke ? 1 : 5, smallZeta.lastStages.size()));

        // 4. recall of the default output
        md.append("### Recall@32 of the default output (Gaussian, against the exact oracle)\n\n");
        md.append("| tokens | sampled queries | recall@32 | min per query | relative L2 error of out (mean) |\n|---:|---:|---:|---:|---:|\n");
        for (long n : smoke ? new long[] {4096} : new long[] {65536, 1 << 20, 1 << 22}) {
            Dataset<Row> tokens = tokens(spark, dir, "gauss-" + n, n, 1, SyntheticTokens.Kind.GAUSSIAN, 64, 42);
            Dataset<Row> out = Zeta.attention(tokens, params);
            int sample = smoke ? 200 : 2000;
            RecallEvaluator ev = ZetaEvaluation.evaluate(tokens, out, params, ZetaColumns.defaults(), sample, 1);
            Zeta.release(out);
            md.append(String.format(Locale.ROOT, "| %,d | %,d | %.4f | %.3f | %.2e |%n", n, ev.queries(), ev.recall(),
                    ev.minQueryRecall(), ev.meanRelativeError()));
        }
        md.append(String.format(Locale.ROOT, "%nWhole benchmark: %.0f s. Command: `bin/zeta bench-plan%s`.%n%n",
                (System.nanoTime() - started) / 1e9, smoke ? " smoke OUT" : ""));
        spark.sparkContext().removeSparkListener(metrics);
        return md.toString();
    }

    /** The Parquet input of one case, generated once per benchmark run (seeded: the same rows every time). */
    private static Dataset<Row> tokens(SparkSession spark, Path dir, String name, long n, long sequences,
                                       SyntheticTokens.Kind kind, int dv, long seed) {
        Path input = dir.resolve(name);
        if (!Files.exists(input)) {
            SyntheticTokens.of(n).withSequences(sequences).withKind(kind).withD(3).withDv(dv).withSeed(seed)
                    .generate(spark, 8).write().parquet(input.toString());
        }
        return spark.read().parquet(input.toString());
    }

    /** The floor: one global sort of the token rows. */
    private static void sortToNoop(Dataset<Row> tokens) {
        tokens.orderBy(col("k").getItem(0), col("pos")).write().format("noop").mode("overwrite").save();
    }

    /** The operator as users call it: validation, the plan, the write; then its caches are released. */
    private static void zetaToNoop(Dataset<Row> tokens, ZetaParams params) {
        Dataset<Row> out = Zeta.attention(tokens, params);
        out.write().format("noop").mode("overwrite").save();
        Zeta.release(out);
    }

    /** Times of one step over several runs, Spark's shuffle totals of its last run and its peak heap. */
    private static final class Timing {
        final double[] seconds;
        final long rows;
        final long bytes;
        final long peakHeap;
        final List<StageMetrics.Stage> lastStages;

        Timing(double[] seconds, List<StageMetrics.Stage> lastStages, long peakHeap) {
            this.seconds = seconds;
            this.peakHeap = peakHeap;
            this.lastStages = lastStages;
            this.rows = StageMetrics.shuffleRecords(lastStages);
            this.bytes = StageMetrics.shuffleBytes(lastStages);
        }

        double min() {
            return Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        double lastSeconds() {
            return seconds.length == 0 ? Double.NaN : seconds[seconds.length - 1];
        }

        double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }

    private static Timing time(SparkSession spark, StageMetrics metrics, int runs, String phase, Runnable step) {
        spark.sparkContext().setJobDescription(phase + " (warm-up)");
        step.run();
        double[] secs = new double[runs];
        List<StageMetrics.Stage> last = List.of();
        long peak = 0;
        for (int r = 0; r < runs; r++) {
            spark.sparkContext().setJobDescription(phase);
            StageMetrics.drain(spark.sparkContext());
            int mark = metrics.mark();
            System.gc(); // the previous step's garbage is not this step's peak
            try (HeapPeak heap = new HeapPeak()) {
                long t0 = System.nanoTime();
                step.run();
                secs[r] = (System.nanoTime() - t0) / 1e9;
                peak = Math.max(peak, heap.bytes());
            }
            StageMetrics.drain(spark.sparkContext());
            last = metrics.since(mark);
            System.err.printf(Locale.ROOT, "bench: %s run %d: %.2f s, %d stages%n", phase, r, secs[r], last.size());
        }
        spark.sparkContext().setJobDescription(null);
        return new Timing(secs, last, peak);
    }

    private static <T> T withConf(SparkSession spark, String key, String value, java.util.function.Supplier<T> body) {
        String before = spark.conf().get(key, null);
        spark.conf().set(key, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                spark.conf().unset(key);
            } else {
                spark.conf().set(key, before);
            }
        }
    }

    private static String stageTable(List<StageMetrics.Stage> stages, long n) {
        StringBuilder sb = new StringBuilder("| stage | created at | tasks | s | shuffle rows written | per token "
                + "| shuffle bytes written | per token | shuffle rows read | input rows | longest tasks s | median task s |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StageMetrics.Stage s : stages) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %d | %.2f | %,d | %.2f | %,d | %.1f | %,d | %,d | %s | %.2f |%n",
                    s.id, s.name.replace("|", "/"), s.tasks, s.seconds, s.shuffleWriteRecords,
                    s.shuffleWriteRecords / (double) n, s.shuffleWriteBytes, s.shuffleWriteBytes / (double) n,
                    s.shuffleReadRecords, s.inputRecords, longest(s.taskSeconds, 3), s.medianTask));
        }
        return sb.toString();
    }

    /** The {@code count} longest task times of a stage ("12.20, 11.90, 0.01"). */
    static String longest(double[] longestFirst, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(count, longestFirst.length); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", longestFirst[i]));
        }
        return sb.toString();
    }

    static void plotScaling(List<double[]> sort, List<double[]> one, List<double[]> mix, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(420).title("Time against tokens, local[2] (min of the runs)")
                .xAxisTitle("tokens").yAxisTitle("seconds").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.addSeries("global sort (one sequence)", xs(sort), ys(sort));
        chart.addSeries("ZETA, one sequence", xs(one), ys(one));
        chart.addSeries("ZETA, mix of sequences", xs(mix), ys(mix));
        Files.createDirectories(file.getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] xs(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[0]).toArray();
    }

    private static double[] ys(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[1]).toArray();
    }

    /** Least-squares slope of log(time) over log(n). */
    static double slope(List<double[]> points) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = points.size();
        for (double[] p : points) {
            double x = Math.log(p[0]);
            double y = Math.log(p[1]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
