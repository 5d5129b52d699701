package io.zetaspark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The distributed plan reproduces the in-memory engine bit for bit. Small chunks and windows make
 * many nested levels and many runs that straddle partition boundaries (halos are exercised).
 */
class ZetaPlanEqualityTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);

    private static void assertPlanEqualsEngine(ZetaParams params, Map<String, TokenSequence> seqs, int inputParts,
                                               int shufflePartitions, long shuffleSeed) {
        SparkSession spark = PlanFixtures.spark();
        List<Row> rows = new ArrayList<>();
        seqs.forEach((name, s) -> rows.addAll(PlanFixtures.rows(name, s)));
        String before = spark.conf().get("spark.sql.shuffle.partitions");
        spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
        try {
            Dataset<Row> out = ZetaPlan.transform(PlanFixtures.frame(spark, rows, inputParts, shuffleSeed), params,
                    ZetaColumns.defaults());
            Map<String, Row> actual = PlanFixtures.byKey(out);
            List<String> bad = new ArrayList<>();
            seqs.forEach((name, s) -> bad.addAll(PlanFixtures.mismatches(name, new ZetaAttention(params).run(s), actual)));
            assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
            assertEquals(rows.size(), actual.size());
        } finally {
            spark.conf().set("spark.sql.shuffle.partitions", before);
        }
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
}
