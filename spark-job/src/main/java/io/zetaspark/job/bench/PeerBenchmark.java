package io.zetaspark.job.bench;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
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
 * <p>Bidirectional kNN: ZETA bidirectional against Spark MLlib's
 * {@code BucketedRandomProjectionLSH.approxSimilarityJoin} (bucket length and threshold tuned so
 * that it returns about k neighbours per query) and the NEAREST BY join, time and recall together.
 *
 * <pre>java ... io.zetaspark.job.bench.PeerBenchmark [sizes=4096,...,65536] [budget s=900] [report] [master] [knn sizes]</pre>
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
        long[] knnSizes = args.length > 4 ? Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray()
                : new long[] {16_384, 65_536};
        String md = (run(spark, sizes, budget, 3) + bidirectional(spark, knnSizes, budget, 500))
                .replace("Command: `bin/zeta bench-peers`", "Command: `bin/zeta bench-peers " + String.join(" ", args) + "`");
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
        String dist = squared(d);
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
    record Step(double[] secs, boolean stopped, String why) {
        Step(double[] secs, boolean stopped) {
            this(secs, stopped, stopped ? "stopped at the budget" : "");
        }

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
                    md.append(Double.isNaN(t[c]) ? (s != null ? " (" + s.why + ") |" : " – |")
                            : String.format(Locale.ROOT, " *~%.0f*%s |", t[c], s != null ? " (" + s.why + ")" : ""));
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

    /**
     * Bidirectional kNN at each size: ZETA bidirectional, MLlib's LSH similarity join and the
     * NEAREST BY join (no causal mask), each with its time and its recall@k on {@code sample}
     * seeded queries against the exact bidirectional top-k of the oracle.
     */
    static String bidirectional(SparkSession spark, long[] sizes, double budget, int sample) throws Exception {
        Path dir = Files.createTempDirectory("zeta-knn-bench");
        ZetaParams params = ZetaParams.defaults().withCausal(false);
        int k = params.k();
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Bidirectional kNN: ZETA, MLlib LSH and "
                + "NEAREST BY%n%nOne Gaussian sequence (d = 3); every key is a candidate for every query. ZETA runs with "
                + "`causal = false`. MLlib's `BucketedRandomProjectionLSH` (bucket length = the median exact %d-th "
                + "neighbour distance of the sampled queries, 4 hash tables) runs `approxSimilarityJoin` with that "
                + "distance as threshold, so that it returns about %d neighbours per query; its recall counts the %d "
                + "nearest it returns. NEAREST BY runs `a JOIN b EXACT NEAREST %d BY DISTANCE <squared distance>`. "
                + "Times are one run after a warm-up (selection only for the peers: LSH and NEAREST BY return pairs, "
                + "ZETA also computes the outputs); recall@%d over %d seeded queries against the exact top-%d.%n%n"
                + "| tokens | ZETA s | ZETA recall | LSH s | LSH recall | LSH pairs/query | NEAREST BY s | NEAREST BY recall |%n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|%n", k, k, k, k, k, sample, k));
        for (long n : sizes) {
            Path input = dir.resolve("gauss-" + n);
            SyntheticTokens.of(n).withSequences(1).withKind(SyntheticTokens.Kind.GAUSSIAN).withD(3).withDv(DV).withSeed(7)
                    .generate(spark, 4).write().parquet(input.toString());
            Dataset<Row> tokens = spark.read().parquet(input.toString());
            TokenSequence s = collect(tokens);
            int[] queries = QualityBenchmark.sample(s.size(), sample, 5);
            Selection exact = ExactOracle.selectFor(s, params, queries);
            double[] kth = new double[queries.length];
            for (int r = 0; r < queries.length; r++) {
                kth[r] = exact.dist[r * k + exact.count[r] - 1];
            }
            double[] sortedKth = kth.clone();
            Arrays.sort(sortedKth);
            double radius = Math.sqrt(sortedKth[sortedKth.length / 2]);

            // ZETA bidirectional: time, then recall from its nbr_pos distances
            Step zeta = time(spark, "ZETA bidirectional n=" + n, () -> Zeta.attention(spark.read().parquet(input.toString()),
                    params).write().format("noop").mode("overwrite").save(), 1, budget);
            Dataset<Row> zout = Zeta.attention(tokens, params);
            double zetaRecall = recall(s, queries, kth, k, neighbours(zout.select("pos", "nbr_pos"), queries, s));

            // MLlib LSH
            Dataset<Row> kvecs = vectors(tokens, "k");
            Dataset<Row> qvecs = vectors(tokens, "q");
            org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel lsh =
                    new org.apache.spark.ml.feature.BucketedRandomProjectionLSH().setInputCol("vec").setOutputCol("h")
                            .setBucketLength(radius).setNumHashTables(4).setSeed(3).fit(kvecs);
            Step lshStep = time(spark, "LSH n=" + n, () -> lsh.approxSimilarityJoin(qvecs, kvecs, radius, "dist")
                    .write().format("noop").mode("overwrite").save(), 1, budget);
            String lshRecall = "–";
            String lshPairs = "–";
            if (!lshStep.stopped) {
                Dataset<Row> pairs = lsh.approxSimilarityJoin(qvecs, kvecs, radius, "dist")
                        .selectExpr("datasetA.pos AS q", "datasetB.pos AS kpos", "dist");
                long count = pairs.count();
                lshPairs = String.format(Locale.ROOT, "%.1f", count / (double) n);
                lshRecall = String.format(Locale.ROOT, "%.4f", recall(s, queries, kth, k, lshNeighbours(pairs, queries, s, k)));
            }

            // NEAREST BY, bidirectional
            tokens.createOrReplaceTempView("knn_tokens");
            String sql = String.format(Locale.ROOT, "SELECT a.pos, collect_list(b.pos) AS nbr_pos FROM knn_tokens a JOIN "
                    + "knn_tokens b EXACT NEAREST %d BY DISTANCE (%s) GROUP BY a.pos", k, squared(3));
            Step nearest = time(spark, "NEAREST BY bidirectional n=" + n, () -> spark.sql(sql).write().format("noop")
                    .mode("overwrite").save(), 1, budget);
            String nearestRecall = nearest.stopped ? "–" : String.format(Locale.ROOT, "%.4f",
                    recall(s, queries, kth, k, neighbours(spark.sql(sql), queries, s)));
            md.append(String.format(Locale.ROOT, "| %,d | %.2f | %.4f | %s | %s | %s | %s | %s |%n", n, zeta.min(), zetaRecall,
                    cell(lshStep, budget), lshRecall, lshPairs, cell(nearest, budget), nearestRecall));
        }
        return md.append('\n').toString();
    }

    /** (pos, vec) with {@code column}'s components as an MLlib dense vector. */
    private static Dataset<Row> vectors(Dataset<Row> tokens, String column) {
        return tokens.selectExpr("pos", column).map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
            List<Float> x = r.getList(1);
            double[] dd = new double[x.size()];
            for (int i = 0; i < dd.length; i++) {
                dd[i] = x.get(i);
            }
            return org.apache.spark.sql.RowFactory.create(r.getLong(0), org.apache.spark.ml.linalg.Vectors.dense(dd));
        }, org.apache.spark.sql.Encoders.row(new org.apache.spark.sql.types.StructType()
                .add("pos", "long").add("vec", new org.apache.spark.ml.linalg.VectorUDT())));
    }

    private static String cell(Step s, double budget) {
        return s.stopped ? s.why : String.format(Locale.ROOT, "%.2f", s.min());
    }

    private static String squared(int d) {
        StringBuilder b = new StringBuilder();
        for (int m = 0; m < d; m++) {
            b.append(m == 0 ? "" : " + ").append(String.format(Locale.ROOT,
                    "(CAST(a.q[%d] AS DOUBLE) - CAST(b.k[%d] AS DOUBLE)) * (CAST(a.q[%d] AS DOUBLE) - CAST(b.k[%d] AS DOUBLE))",
                    m, m, m, m));
        }
        return b.toString();
    }

    /** The returned neighbour positions of the sampled queries (column 0 pos, column 1 array of positions). */
    private static long[][] neighbours(Dataset<Row> out, int[] queries, TokenSequence s) {
        java.util.Map<Long, Integer> row = sampleRows(queries, s);
        long[][] nb = new long[queries.length][];
        List<Long> wanted = new ArrayList<>(row.keySet());
        for (Row r : out.where(org.apache.spark.sql.functions.col(out.columns()[0]).isin(wanted.toArray())).collectAsList()) {
            List<Long> p = r.getList(1);
            nb[row.get(r.getLong(0))] = p.stream().mapToLong(Long::longValue).toArray();
        }
        return nb;
    }

    /** Position of each sampled query to its index in {@code queries}. */
    private static java.util.Map<Long, Integer> sampleRows(int[] queries, TokenSequence s) {
        java.util.Map<Long, Integer> row = new java.util.HashMap<>();
        for (int r = 0; r < queries.length; r++) {
            row.put(s.pos()[queries[r]], r);
        }
        return row;
    }

    /** LSH pairs of the sampled queries, the k nearest returned per query. */
    private static long[][] lshNeighbours(Dataset<Row> pairs, int[] queries, TokenSequence s, int k) {
        java.util.Map<Long, Integer> row = sampleRows(queries, s);
        List<List<double[]>> found = new ArrayList<>();
        for (int r = 0; r < queries.length; r++) {
            found.add(new ArrayList<>());
        }
        for (Row r : pairs.where(org.apache.spark.sql.functions.col("q").isin(row.keySet().toArray())).collectAsList()) {
            found.get(row.get(r.getLong(0))).add(new double[] {r.getDouble(2), r.getLong(1)});
        }
        long[][] nb = new long[queries.length][];
        for (int r = 0; r < queries.length; r++) {
            List<double[]> f = found.get(r);
            f.sort((a, b) -> Double.compare(a[0], b[0]));
            nb[r] = f.stream().limit(k).mapToLong(x -> (long) x[1]).toArray();
        }
        return nb;
    }

    /** recall@k: returned keys no farther than the exact k-th distance, over all sampled queries. */
    private static double recall(TokenSequence s, int[] queries, double[] kth, int k, long[][] nb) {
        int d = s.d();
        java.util.Map<Long, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < s.size(); i++) {
            index.put(s.pos()[i], i);
        }
        long hits = 0;
        for (int r = 0; r < queries.length; r++) {
            int qi = queries[r];
            int h = 0;
            for (long p : nb[r] == null ? new long[0] : nb[r]) {
                int j = index.get(p);
                if (Distances.squared(s.q(), qi * d, s.k(), j * d, d) <= kth[r]) {
                    h++;
                }
            }
            hits += Math.min(h, k);
        }
        return hits / (double) (queries.length * (long) k);
    }

    private static TokenSequence collect(Dataset<Row> input) {
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
        return TokenSequence.of(pos, q, k, v, 3, DV);
    }

    /** The single-threaded in-memory brute force: exact selection and outputs of the whole sequence. */
    private static void bruteForce(Dataset<Row> input, ZetaParams params) {
        TokenSequence s = collect(input);
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
                } catch (java.util.concurrent.ExecutionException e) {
                    // a step that fails (for example a spill that fills the disk) is stopped like a slow one
                    double s = (System.nanoTime() - t0) / 1e9;
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    String why = String.valueOf(root.getMessage());
                    why = why.contains("No space left on device") ? "failed: its spill filled the disk"
                            : "failed: " + (why.length() > 80 ? why.substring(0, 80) + "..." : why);
                    System.err.printf(Locale.ROOT, "bench: %s %s after %.0f s%n", label, why, s);
                    return new Step(new double[] {s}, true, String.format(Locale.ROOT, "%s after %.0f s", why, s));
                } catch (TimeoutException e) {
                    spark.sparkContext().cancelJobGroup(group);
                    f.cancel(true);
                    System.err.printf(Locale.ROOT, "bench: %s stopped after %.0f s%n", label, budget);
                    return new Step(new double[] {budget}, true, String.format(Locale.ROOT, "stopped at %.0f s", budget));
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
