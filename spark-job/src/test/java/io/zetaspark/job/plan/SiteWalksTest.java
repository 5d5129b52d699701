package io.zetaspark.job.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.sites.SitePlan;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import io.zetaspark.kernels.gpu.GpuRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the sites of the distributed plan send one another when a window walk leaves its site
 * ({@link SitePlan}): every site a walk visits takes at most W/2 keys for it (the window's keys
 * beyond the query's site), the number of steps does not depend on the data or the partitioning,
 * walks that must cross many sites travel between executors while the driver receives the same few
 * bytes, and one word repeated over a sequence is cut over the sites. All of it equals the engine.
 */
class SiteWalksTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);

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
     * A sequence whose windows reach far along every curve: every chunk c puts half its tokens in
     * region A (chunks ascending along dimension 0) and half in region B after it (chunks
     * descending); the other two dimensions are constant, so every curve orders the tokens by
     * dimension 0. A query of chunk c in A meets only later chunks after it in A and in B until B's
     * chunk c − 1, where it takes its W/2 upper keys: its walk crosses every site in between.
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

    /** One run: its rows by "seq/pos", the plan's report, and the largest task result its jobs sent to the driver. */
    private record Run(Map<String, Row> rows, SitePlan.Report report, long largestResult) {
    }

    private static Run run(Map<String, TokenSequence> seqs, ZetaParams params, int partitions, String... confs) {
        SparkSession spark = PlanFixtures.spark();
        List<Row> rows = new ArrayList<>();
        seqs.forEach((name, s) -> rows.addAll(PlanFixtures.rows(name, s)));
        AtomicLong largest = new AtomicLong();
        SparkListener results = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    largest.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
                }
            }
        };
        List<String> kv = new ArrayList<>(List.of("spark.sql.shuffle.partitions", String.valueOf(partitions),
                ZetaPlan.LOCAL_MAX_TOKENS_CONF, "0"));
        kv.addAll(List.of(confs));
        org.apache.spark.sql.Dataset<Row> input = PlanFixtures.frame(spark, rows, 3, 2);
        return PlanFixtures.withConf(() -> {
            // the plan's jobs run while it is built (the steps); the output's own collect is not the plan's
            drain(spark);
            spark.sparkContext().addSparkListener(results);
            org.apache.spark.sql.Dataset<Row> out;
            try {
                out = ZetaPlan.transform(input, params, ZetaColumns.defaults());
                drain(spark);
            } finally {
                spark.sparkContext().removeSparkListener(results);
            }
            return new Run(PlanFixtures.byKey(out), SitePlan.lastReport(), largest.get());
        }, kv.toArray(new String[0]));
    }

    private static void drain(SparkSession spark) {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertEqualsEngine(Map<String, TokenSequence> seqs, ZetaParams params, Run run) {
        List<String> bad = new ArrayList<>();
        seqs.forEach((name, s) -> bad.addAll(PlanFixtures.mismatches(name, new ZetaAttention(params).run(s), run.rows)));
        assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
    }

    @Test
    void aSiteTakesAtMostHalfAWindowForAWalkAndTheStepsAreFixed() {
        for (int n : new int[] {4000, 16000}) {
            Map<String, TokenSequence> seqs = Map.of("drift", drifting(n, 5));
            Run r = run(seqs, SMALL, 8);
            System.out.println("drifting keys, n=" + n + ": " + r.report.walks + " walks, at most "
                    + r.report.walkTakenMax + " keys from one site, at most " + r.report.walkSitesMax
                    + " sites for one walk, " + r.report.steps + " steps after the first");
            assertEqualsEngine(seqs, SMALL, r);
            assertTrue(r.report.walks > 0, "walks leave their sites");
            assertTrue(r.report.walkTakenMax <= SMALL.halfWindow(), "a site took " + r.report.walkTakenMax);
            assertEquals(4, r.report.steps, "steps after the first");
        }
    }

    @Test
    void longWalksTravelBetweenExecutorsNotThroughTheDriver() {
        // the window rule makes these walks cross many sites (W/2 keys per chunk before the query's own
        // site); the driver still receives only summaries: its largest task result stays the same
        // while the walks grow fourfold
        Run small = run(Map.of("two", twoPasses(8192, SMALL.chunkSize())), SMALL, 8);
        Run large = run(Map.of("two", twoPasses(32768, SMALL.chunkSize())), SMALL, 8);
        System.out.println("two passes: " + small.report.walks + " / " + large.report.walks + " walks, at most "
                + small.report.walkSitesMax + " / " + large.report.walkSitesMax + " sites for one walk; largest task "
                + "result to the driver " + small.largestResult + " / " + large.largestResult + " bytes");
        assertTrue(large.report.walks >= 3 * small.report.walks, small.report.walks + " / " + large.report.walks);
        assertTrue(large.report.walkTakenMax <= SMALL.halfWindow());
        assertEquals(4, large.report.steps);
        assertTrue(large.largestResult < 64 * 1024 && large.largestResult < 2 * small.largestResult + 8192,
                small.largestResult + " / " + large.largestResult);
        TokenSequence s = twoPasses(6000, SMALL.chunkSize());
        assertEqualsEngine(Map.of("two", s), SMALL, run(Map.of("two", s), SMALL, 16));
    }

    @Test
    void oneRepeatedWordIsCutOverTheSites() {
        // every key of the word has the same code on each curve: the split points (code, pos) cut the
        // run of equal codes, so that no site holds much more than its share
        Map<String, TokenSequence> seqs = Map.of("word", oneWord(6000));
        Run r = run(seqs, SMALL, 8);
        System.out.println("one repeated word: largest site " + r.report.maxSiteShare + " fair shares of "
                + r.report.sites + " sites");
        assertEqualsEngine(seqs, SMALL, r);
        assertEquals(8, r.report.sites);
        assertTrue(r.report.maxSiteShare <= 2.0, "largest site " + r.report.maxSiteShare + " fair shares");
    }

    @Test
    void driftingAndRepeatedWordsEqualTheEngineOnManySites() {
        Map<String, TokenSequence> seqs = Map.of("drift", drifting(3000, 9), "word", oneWord(2000));
        for (ZetaParams params : new ZetaParams[] {SMALL, SMALL.withCausal(false)}) {
            assertEqualsEngine(seqs, params, run(seqs, params, 16));
        }
    }

    @Test
    void moreSitesThanValidationPartitionsEqualTheEngine() {
        // at most 400 tokens per site: a 5,000-token sequence runs on 13 sites over 3 validation partitions
        Map<String, TokenSequence> seqs = Map.of("g", new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 31, 3, 4)
                .sequence(31, 5000, 1));
        Run r = run(seqs, SMALL, 3, SitePlan.SITE_TOKENS_CONF, "400");
        assertEquals(13, r.report.sites);
        assertEqualsEngine(seqs, SMALL, r);
        assertEqualsEngine(seqs, SMALL.withCausal(false), run(seqs, SMALL.withCausal(false), 3,
                SitePlan.SITE_TOKENS_CONF, "400"));
    }

    @Test
    void gpuWindowKernelEqualsTheEngine() {
        // the CUDA window kernel's per-thread code, run on the host (no GPU here): the plan's GPU path
        // (level batches to the kernel, what each walk still needs counted on the CPU) gives the engine's bytes
        Assumptions.assumeTrue(GpuRuntime.status().libraryLoaded(), "native library not built (no nvcc)");
        Map<String, TokenSequence> seqs = Map.of("t", new TokenGenerator(TokenGenerator.Kind.TIES, 41, 3, 2)
                .sequence(41, 2500, 2), "g", drifting(2000, 42));
        for (ZetaParams params : new ZetaParams[] {SMALL, SMALL.withCausal(false)}) {
            assertEqualsEngine(seqs, params, run(seqs, params, 5, ZetaPlan.DEVICE_CONF, "gpu",
                    SitePlan.GPU_EMULATE_CONF, "true"));
        }
    }
}
