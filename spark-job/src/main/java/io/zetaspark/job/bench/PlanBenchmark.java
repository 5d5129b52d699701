package io.zetaspark.job.bench;

import static org.apache.spark.sql.functions.col;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.SyntheticTokens;
import io.zetaspark.job.ZetaPlan;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * End-to-end cost of the distributed operator against the floor the design names: one plain Spark
 * global sort of the same token rows, measured side by side in one run on one sequence. Writes a
 * Markdown section into docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code PlanBenchmark [tokens=1048576] [dv=64] [runs=2] [master=local[2]] [out=docs/BENCHMARKS.md]}
 */
public final class PlanBenchmark {
    private PlanBenchmark() {
    }


    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        int dv = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String master = args.length > 3 ? args[3] : "local[2]";
        Path report = Paths.get(args.length > 4 ? args[4] : "docs/BENCHMARKS.md");
        SparkSession spark = SparkSession.builder().master(master).appName("zeta-plan-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.driver.memory", "8g")
                .config("spark.sql.adaptive.autoBroadcastJoinThreshold", "512m")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path dir = Files.createTempDirectory("zeta-bench");
        String input = dir.resolve("tokens.parquet").toString();
        generate(spark, n, dv, 8).write().parquet(input);
        Dataset<Row> tokens = spark.read().parquet(input);
        ZetaParams params = ZetaParams.defaults();

        // warm-up on a slice: JIT, first touch of heap
        ZetaPlan.transform(tokens.where(col("pos").lt(50_000)), params, ZetaColumns.defaults())
                .write().format("noop").mode("overwrite").save();

        List<Double> sortTimes = new ArrayList<>();
        List<Double> zetaTimes = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            tokens.orderBy(col("k").getItem(0), col("pos")).write().format("noop").mode("overwrite").save();
            long t1 = System.nanoTime();
            ZetaPlan.transform(tokens, params, ZetaColumns.defaults()).write().format("noop").mode("overwrite").save();
            long t2 = System.nanoTime();
            sortTimes.add((t1 - t0) / 1e9);
            zetaTimes.add((t2 - t1) / 1e9);
            System.out.printf(Locale.ROOT, "run %d: global sort %.1f s, zeta %.1f s%n", r, sortTimes.get(r), zetaTimes.get(r));
        }
        double sort = sortTimes.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double zeta = zetaTimes.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        StringBuilder md = new StringBuilder();
        md.append("## Spark job: one sequence vs a plain global sort\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %d cores, JDK %s, master %s, spark.sql.shuffle.partitions=8, spark.sql.adaptive.autoBroadcastJoinThreshold=512m, %s. "
                        + "One sequence of %,d tokens (Gaussian, d=3, dv=%d), default parameters (k=32, 4 curves, W=192, M=256). "
                        + "Both read the same Parquet input and write to Spark's `noop` sink; minimum of %d runs after a warm-up.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), master,
                java.time.LocalDate.now(), n, dv, runs));
        md.append("| step | seconds (min) | all runs | tokens/s |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| plain global sort of the token rows | %.1f | %s | %,.0f |%n", sort, sortTimes, n / sort));
        md.append(String.format(Locale.ROOT, "| ZETA attention, default mode | %.1f | %s | %,.0f |%n", zeta, zetaTimes, n / zeta));
        md.append(String.format(Locale.ROOT, "%nRatio ZETA / global sort: **%.1f×**.%n%n"
                + "Command: `bin/zeta bench-plan %d %d %d %s`%n", zeta / sort, n, dv, runs, master));
        System.out.print(md);
        BenchmarkReport.replaceSection(report, "## Spark job: one sequence vs a plain global sort", md.toString());
        spark.stop();
    }

    static Dataset<Row> generate(SparkSession spark, int n, int dv, int partitions) {
        TokenGenerator gen = new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 42, 3, dv);
        return spark.range(0, n, 1, partitions).mapPartitions((MapPartitionsFunction<Long, Row>) it -> rows(gen, it, dv),
                Encoders.row(SyntheticTokens.schema()));
    }

    private static Iterator<Row> rows(TokenGenerator gen, Iterator<Long> it, int dv) {
        List<Row> out = new ArrayList<>();
        while (it.hasNext()) {
            long p = it.next();
            float[] q = new float[3];
            float[] k = new float[3];
            float[] v = new float[dv];
            gen.fill(0, p, q, k, 0, v, 0);
            out.add(RowFactory.create("seq-0", p, q, k, v));
        }
        return out.iterator();
    }
}
