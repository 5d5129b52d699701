package io.zetaspark.job.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The distributed plan reproduces the in-memory engine bit for bit. Small chunks and windows make
 * many nested levels and many windows that walk out of their site (walks are continued in other sites).
 */
class ZetaPlanEqualityTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);

    /** Every sequence through the distributed plan (the in-task engine route is switched off). */
    private static void assertPlanEqualsEngine(ZetaParams params, Map<String, TokenSequence> seqs, int inputParts,
                                               int shufflePartitions, long shuffleSeed) {
        assertRouteEqualsEngine(params, seqs, inputParts, shufflePartitions, shuffleSeed, "0");
    }

    /** {@code localMax}: the {@link ZetaPlan#LOCAL_MAX_TOKENS_CONF} setting (0: all distributed, auto: all local here). */
    private static void assertRouteEqualsEngine(ZetaParams params, Map<String, TokenSequence> seqs, int inputParts,
                                                int shufflePartitions, long shuffleSeed, String localMax) {
        SparkSession spark = PlanFixtures.spark();
        List<Row> rows = new ArrayList<>();
        seqs.forEach((name, s) -> rows.addAll(PlanFixtures.rows(name, s)));
        Map<String, Row> actual = PlanFixtures.withConf(() -> PlanFixtures.byKey(ZetaPlan.transform(
                        PlanFixtures.frame(spark, rows, inputParts, shuffleSeed), params, ZetaColumns.defaults())),
                "spark.sql.shuffle.partitions", String.valueOf(shufflePartitions),
                ZetaPlan.LOCAL_MAX_TOKENS_CONF, localMax);
        List<String> bad = new ArrayList<>();
        seqs.forEach((name, s) -> bad.addAll(PlanFixtures.mismatches(name, new ZetaAttention(params).run(s), actual)));
        assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
        assertEquals(rows.size(), actual.size());
    }

    private static TokenSequence seq(TokenGenerator.Kind kind, long seed, int n, long stride) {
        return new TokenGenerator(kind, seed, 3, 5).sequence(seed, n, stride);
    }

    @Test
    void oneLongSequenceEqualsEngine() {
        assertPlanEqualsEngine(SMALL, Map.of("long", seq(TokenGenerator.Kind.GAUSSIAN, 1, 3000, 1)), 3, 5, 17);
    }

    @Test
    void heavyTiesWithGapsEqualEngine() {
        assertPlanEqualsEngine(SMALL, Map.of("ties", seq(TokenGenerator.Kind.TIES, 2, 2500, 3)), 2, 7, 5);
    }

    @Test
    void manyShortSequencesEqualEngine() {
        Map<String, TokenSequence> seqs = new java.util.HashMap<>();
        for (int i = 0; i < 12; i++) {
            seqs.put("s" + i, seq(i % 2 == 0 ? TokenGenerator.Kind.CLUSTERED : TokenGenerator.Kind.TIES, 10 + i,
                    20 + 37 * i, 1 + i % 3));
        }
        assertPlanEqualsEngine(SMALL, seqs, 4, 3, 9);
    }

    @Test
    void defaultsEqualEngine() {
        assertPlanEqualsEngine(ZetaParams.defaults(), Map.of("d", seq(TokenGenerator.Kind.CLUSTERED, 3, 2000, 1)), 2, 4, 3);
    }

    @Test
    void bidirectionalEqualsEngine() {
        assertPlanEqualsEngine(SMALL.withCausal(false), Map.of("b", seq(TokenGenerator.Kind.GAUSSIAN, 4, 1500, 1),
                "t", seq(TokenGenerator.Kind.TIES, 5, 700, 2)), 3, 6, 4);
    }

    @Test
    void withoutSelfSoftmaxEqualsEngine() {
        assertPlanEqualsEngine(SMALL.withIncludeSelf(false).withKernel(io.zetaspark.kernels.KernelType.SOFTMAX),
                Map.of("x", seq(TokenGenerator.Kind.TIES, 6, 1200, 1)), 2, 3, 8);
    }

    @Test
    void exactModeEqualsOracle() {
        ZetaParams exact = SMALL.withExact(true);
        assertPlanEqualsEngine(exact, Map.of("e", seq(TokenGenerator.Kind.TIES, 7, 900, 5),
                "g", seq(TokenGenerator.Kind.GAUSSIAN, 8, 600, 1)), 2, 4, 6);
    }

    @Test
    void meanSlotOffEqualsEngine() {
        assertPlanEqualsEngine(SMALL.withMeanSlot(false), Map.of("m", seq(TokenGenerator.Kind.GAUSSIAN, 9, 800, 1)),
                1, 2, 0);
    }

    @Test
    void partitionCountsDoNotChangeBytes() {
        TokenSequence s = seq(TokenGenerator.Kind.TIES, 11, 2000, 1);
        for (int[] parts : new int[][] {{1, 1}, {2, 2}, {7, 7}, {3, 11}}) {
            assertPlanEqualsEngine(SMALL, Map.of("p", s), parts[0], parts[1], parts[0] * 31L + 1);
        }
    }

    @Test
    void inTaskEngineRouteEqualsEngine() {
        Map<String, TokenSequence> seqs = new java.util.HashMap<>();
        for (int i = 0; i < 6; i++) {
            seqs.put("s" + i, seq(i % 2 == 0 ? TokenGenerator.Kind.TIES : TokenGenerator.Kind.GAUSSIAN, 40 + i,
                    50 + 211 * i, 1 + i % 2));
        }
        assertRouteEqualsEngine(SMALL, seqs, 3, 5, 12, "auto");
        assertRouteEqualsEngine(SMALL.withExact(true), seqs, 2, 3, 13, "auto");
    }

    @Test
    void mixedRoutesEqualEngine() {
        // sequences of 900 and more tokens run distributed, the shorter ones inside a task, in one job
        Map<String, TokenSequence> seqs = Map.of(
                "long-a", seq(TokenGenerator.Kind.TIES, 50, 2000, 1),
                "long-b", seq(TokenGenerator.Kind.GAUSSIAN, 51, 900, 2),
                "short-a", seq(TokenGenerator.Kind.CLUSTERED, 52, 899, 1),
                "short-b", seq(TokenGenerator.Kind.TIES, 53, 40, 3));
        assertRouteEqualsEngine(SMALL, seqs, 3, 4, 21, "899");
        assertRouteEqualsEngine(SMALL.withExact(true), seqs, 2, 4, 22, "899");
    }

    /** Epoch-millisecond positions (about 1.7·10^12) with random gaps: levels anchor at the first chunk. */
    @Test
    void positionsFarFromZeroWithGapsEqualEngineAndOracle() {
        TokenSequence far = PlanFixtures.withPositions(seq(TokenGenerator.Kind.TIES, 60, 2000, 1),
                1_700_000_000_000L, 40, 61);
        TokenSequence farG = PlanFixtures.withPositions(seq(TokenGenerator.Kind.GAUSSIAN, 62, 1200, 1),
                1_000_000_000_000L, 3, 63);
        Map<String, TokenSequence> seqs = Map.of("epoch", far, "tera", farG);
        assertPlanEqualsEngine(SMALL, seqs, 2, 4, 7);
        assertPlanEqualsEngine(ZetaParams.defaults(), seqs, 3, 5, 8);
        assertPlanEqualsEngine(SMALL.withExact(true), seqs, 2, 3, 9); // the engine here is the oracle
        assertPlanEqualsEngine(SMALL.withCausal(false), seqs, 2, 3, 10);
    }

    /** Every token the same word: one Morton code per curve for the whole sequence. */
    @Test
    void singleWordSequenceEqualsEngine() {
        TokenSequence word = PlanFixtures.oneWord(seq(TokenGenerator.Kind.GAUSSIAN, 70, 2500, 1));
        assertPlanEqualsEngine(SMALL, Map.of("word", word), 2, 5, 11);
        assertPlanEqualsEngine(SMALL.withExact(true), Map.of("word", word), 2, 3, 12);
    }

    @Test
    void sixtyFourShufflePartitionsEqualEngine() {
        TokenSequence far = PlanFixtures.withPositions(seq(TokenGenerator.Kind.TIES, 80, 1500, 1),
                1_700_000_000_000L, 100, 81);
        TokenSequence word = PlanFixtures.oneWord(seq(TokenGenerator.Kind.CLUSTERED, 82, 1500, 1));
        assertPlanEqualsEngine(SMALL, Map.of("far", far, "word", word, "plain", seq(TokenGenerator.Kind.GAUSSIAN, 83,
                1500, 1)), 7, 64, 13);
    }
}
