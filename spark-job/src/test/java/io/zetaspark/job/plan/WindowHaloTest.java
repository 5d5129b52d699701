package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.rows.WindowRow;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * What the window stage's partitions borrow from each other: for one word repeated over the whole
 * sequence (one code per curve) at most W/2 rows per boundary, and its rows spread over tasks; for
 * keys that drift along the curve with position, a few W/2 (at most W/2 per distinct cut of the
 * queries that walk out of their partition); for a sequence built so that the rule itself needs a
 * large halo, rows that travel between executors while the driver sees a constant amount. All of
 * them equal the engine on many partitions.
 */
class WindowHaloTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);
    private static final int PARTITIONS = 8;

    /**
     * Keys (and queries near them) that move along dimension 0 as the position grows; the jitter
     * along that dimension is a few tokens' worth of drift at every length.
     */
    static TokenSequence drifting(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] pos = new long[n];
        float[] q = new float[n * 3];
        float[] k = new float[n * 3];
        float[] v = new float[n * 2];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            float x = -12f + 24f * i / n;
            k[i * 3] = x + (float) (8.0 * 24.0 / n * r.nextGaussian());
            k[i * 3 + 1] = (float) (0.3 * r.nextGaussian());
            k[i * 3 + 2] = (float) (0.3 * r.nextGaussian());
            for (int m = 0; m < 3; m++) {
                q[i * 3 + m] = k[i * 3 + m] + (float) (0.02 * r.nextGaussian());
            }
            v[i * 2] = (float) r.nextGaussian();
            v[i * 2 + 1] = (float) r.nextGaussian();
        }
        return TokenSequence.of(pos, q, k, v, 3, 2);
    }

    static TokenSequence oneWord(int n) {
        return PlanFixtures.oneWord(new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 77, 3, 2).sequence(0, n, 1));
    }

    /**
     * A sequence whose halo is large under the window rule itself: every chunk c puts half its
     * tokens in region A (chunks ascending along dimension 0) and half in region B after it
     * (chunks descending); the other two dimensions are constant, so every curve orders the tokens
     * by dimension 0. A query of chunk c in A meets only later chunks after it in A and in B until
     * B's chunk c - 1, and takes its W/2 forward keys there: a boundary inside A must lend W/2 keys
     * of B per chunk of A before it, which grows with the sequence.
     */
    static TokenSequence twoPasses(int n, int chunk) {
        SplittableRandom r = new SplittableRandom(3);
        int chunks = (n + chunk - 1) / chunk;
        long[] pos = new long[n];
        float[] k = new float[n * 3];
        float[] v = new float[n * 2];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            int c = i / chunk;
            int j = i % chunk;
            float within = (float) j / chunk;
            float x = j < chunk / 2 ? c + within : 2f * chunks + (chunks - c) + within;
            k[i * 3] = -10f + 20f * x / (3f * chunks + 1);
            k[i * 3 + 1] = 0.25f;
            k[i * 3 + 2] = -0.5f;
            v[i * 2] = (float) r.nextGaussian();
            v[i * 2 + 1] = (float) r.nextGaussian();
        }
        return TokenSequence.of(pos, k.clone(), k, v, 3, 2);
    }

    /** What one run of the halo exchange lent, and the largest task result its jobs sent to the driver. */
    record Lent(WindowStage.HaloPlan plan, long largestResult) {
        int largestSide() {
            return plan.largestSide();
        }
    }

    private static Lent exchange(TokenSequence s, ZetaParams params) throws Exception {
        SparkSession spark = PlanFixtures.spark();
        ZetaPlan.Prepared p = ZetaPlan.prepare(PlanFixtures.frame(spark, PlanFixtures.rows("s", s), 3, 1), params,
                ZetaColumns.defaults());
        Dataset<WindowRow> sorted = ZetaPlan.sortedWindowRows(p.tokens, params, p.d, PARTITIONS).cache();
        AtomicLong largest = new AtomicLong();
        SparkListener results = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    largest.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
                }
            }
        };
        try {
            sorted.count();
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().addSparkListener(results);
            WindowStage.Exchange ex = WindowStage.exchange(sorted.javaRDD(), p.d, params.chunkSize(),
                    params.halfWindow(), params.causal());
            spark.sparkContext().listenerBus().waitUntilEmpty();
            ex.summaries.unpersist(false);
            return new Lent(ex.plan, largest.get());
        } finally {
            spark.sparkContext().removeSparkListener(results);
            sorted.unpersist();
        }
    }

    /** Every side lends at most W/2 keys per distinct cut it serves (summed over the pieces of a chain). */
    private static void assertWithinBound(Lent lent, String what) {
        lent.plan.rows.forEach((borrower, r) -> {
            for (int side = 0; side < 2; side++) {
                assertTrue(r[side] <= r[2 + side], what + ": partition " + borrower + " side " + side + " borrowed "
                        + r[side] + " rows, bound " + r[2 + side]);
            }
        });
    }

    @Test
    void driftingKeysBorrowABoundedHalo() throws Exception {
        // a boundary lends, per distinct cut of the queries next to it that walk out of their
        // partition, at most the W/2 keys below that cut that such a query meets first. Before the
        // exact rule (keys below the smallest cut until W/2, plus every key below the largest cut met
        // on the way) the same data borrowed 294 / 1,130 / 735 rows at these sizes
        for (int n : new int[] {4000, 16000, 32000}) {
            Lent lent = exchange(drifting(n, 5), SMALL);
            long perPartition = (long) n * SMALL.curves() * 3 / PARTITIONS; // one query and about two key copies per curve
            System.out.println("drifting keys, n=" + n + ": largest halo side " + lent.largestSide() + " rows, about "
                    + perPartition + " window rows per partition");
            assertWithinBound(lent, "drifting n=" + n);
            assertTrue(lent.largestSide() <= 16 * SMALL.halfWindow(), "halo side " + lent.largestSide() + " at n=" + n);
        }
    }

    @Test
    void aLargeHaloTravelsBetweenExecutorsNotThroughTheDriver() throws Exception {
        // the window rule makes this halo grow with the sequence (W/2 keys per chunk before the
        // boundary); the driver still receives only shapes: its largest task result stays the
        // same while the rows lent grow fourfold (before, the rows themselves were collected)
        Lent small = exchange(twoPasses(8192, SMALL.chunkSize()), SMALL);
        Lent large = exchange(twoPasses(32768, SMALL.chunkSize()), SMALL);
        long rowBytes = 8 + 8 + 4L * 3;
        System.out.println("two passes: largest halo side " + small.largestSide() + " rows at 8K, "
                + large.largestSide() + " rows at 32K; largest task result to the driver " + small.largestResult
                + " / " + large.largestResult + " bytes");
        assertWithinBound(small, "8K");
        assertWithinBound(large, "32K");
        // the rows of one side alone are twice the bound on the driver's results below
        assertTrue(large.largestSide() >= 3 * small.largestSide() && large.largestSide() * rowBytes > 32 * 1024,
                small.largestSide() + " / " + large.largestSide());
        assertTrue(large.largestResult < 16 * 1024 && large.largestResult < 2 * small.largestResult + 2048,
                small.largestResult + " / " + large.largestResult);
    }

    @Test
    void aLargeHaloEqualsTheEngine() {
        SparkSession spark = PlanFixtures.spark();
        TokenSequence s = twoPasses(6000, SMALL.chunkSize());
        Map<String, Row> actual = PlanFixtures.withConf(() -> PlanFixtures.distributed(
                PlanFixtures.frame(spark, PlanFixtures.rows("two", s), 3, 2), SMALL), "spark.sql.shuffle.partitions", "16");
        List<String> bad = PlanFixtures.mismatches("two", new ZetaAttention(SMALL).run(s), actual);
        assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
    }

    @Test
    void oneRepeatedWordSpreadsOverTasksAndBorrowsLittle() throws Exception {
        TokenSequence word = oneWord(6000);
        int side = exchange(word, SMALL).largestSide();
        System.out.println("one repeated word: largest halo side " + side + " rows");
        assertTrue(side <= SMALL.halfWindow(), "halo side " + side);
        SparkSession spark = PlanFixtures.spark();
        ZetaPlan.Prepared p = ZetaPlan.prepare(PlanFixtures.frame(spark, PlanFixtures.rows("w", word), 3, 1), SMALL,
                ZetaColumns.defaults());
        List<Row> perTask = ZetaPlan.sortedWindowRows(p.tokens, SMALL, p.d, PARTITIONS).toDF()
                .withColumn("task", spark_partition_id()).groupBy("task").count().collectAsList();
        long total = 0;
        long most = 0;
        for (Row r : perTask) {
            total += r.getLong(1);
            most = Math.max(most, r.getLong(1));
        }
        System.out.println("one repeated word: window rows over " + perTask.size() + " tasks, largest share "
                + most + " of " + total);
        assertTrue(perTask.size() >= PARTITIONS / 2, perTask.size() + " tasks");
        assertTrue(most <= 3 * total / PARTITIONS, "largest task holds " + most + " of " + total);
    }

    @Test
    void driftingAndRepeatedWordsEqualTheEngineOnManyPartitions() {
        SparkSession spark = PlanFixtures.spark();
        Map<String, TokenSequence> seqs = Map.of("drift", drifting(3000, 9), "word", oneWord(2000));
        List<Row> rows = new ArrayList<>();
        seqs.forEach((name, s) -> rows.addAll(PlanFixtures.rows(name, s)));
        for (ZetaParams params : new ZetaParams[] {SMALL, SMALL.withCausal(false)}) {
            Map<String, Row> actual = PlanFixtures.withConf(() -> PlanFixtures.distributed(
                    PlanFixtures.frame(spark, rows, 3, 2), params), "spark.sql.shuffle.partitions", "16");
            List<String> bad = new ArrayList<>();
            seqs.forEach((name, s) -> bad.addAll(PlanFixtures.mismatches(name, new ZetaAttention(params).run(s), actual)));
            assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
        }
    }
}
