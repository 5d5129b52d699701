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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * What the window stage's partitions borrow from each other: for one word repeated over the whole
 * sequence (one code per curve) at most W/2 rows per boundary, and its rows spread over tasks; for
 * keys that drift along the curve with position, the walk of the queries next to the boundary (a
 * small share of a partition, not the rest of the run). Both equal the engine on many partitions.
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

    private static int largestHalo(TokenSequence s, ZetaParams params) {
        SparkSession spark = PlanFixtures.spark();
        ZetaPlan.Prepared p = ZetaPlan.prepare(PlanFixtures.frame(spark, PlanFixtures.rows("s", s), 3, 1), params,
                ZetaColumns.defaults());
        Dataset<WindowRow> sorted = ZetaPlan.sortedWindowRows(p.tokens, params, p.d, PARTITIONS).cache();
        try {
            Map<Integer, WindowStage.Halo> halos = WindowStage.halos(sorted.javaRDD(), p.d, params.chunkSize(),
                    params.halfWindow(), params.causal());
            return WindowStage.largestSide(halos);
        } finally {
            sorted.unpersist();
        }
    }

    @Test
    void driftingKeysBorrowABoundedHalo() {
        // what a boundary borrows is the walk of the queries next to it (their W/2 usable keys and the
        // later keys between), not the rest of the run. How much that is depends on where the range
        // partitioner cuts (measured 50..1,800 rows); counting every query of the edge run instead of
        // those whose walk leaves the partition borrowed 5.6K rows at 16K tokens and 11K at 32K on a
        // variant of this data, more than half a partition
        for (int n : new int[] {4000, 16000, 32000}) {
            int side = largestHalo(drifting(n, 5), SMALL);
            long perPartition = (long) n * SMALL.curves() * 3 / PARTITIONS; // one query and about two key copies per curve
            System.out.println("drifting keys, n=" + n + ": largest halo side " + side + " rows, about "
                    + perPartition + " window rows per partition");
            assertTrue(side <= perPartition / 2, "halo side " + side + " at n=" + n);
        }
    }

    @Test
    void oneRepeatedWordSpreadsOverTasksAndBorrowsLittle() {
        TokenSequence word = oneWord(6000);
        int side = largestHalo(word, SMALL);
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
