package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's mean slot is built from the hierarchical sums exactly as a distributed engine builds
 * it (chunk totals, super-block totals, {@code (A + B) + C}): out and nbr_w of the in-memory engine
 * equal, bit for bit, the outputs recomputed from {@link HierarchicalSumTest.Distributed} sums.
 */
class MeanSlotTest {

    /**
     * A hand-made cancellation. M = 2, so a super-block is 4 positions. Super-block 0 sums to 1e16;
     * super-block 1 holds chunk 2 (−1e16) and chunk 3 (0.7). The query at pos 8 starts chunk 4 and
     * super-block 2; without includeSelf its eligible prefix is everything before it, which the rule
     * sums as (super-blocks before) + (chunks before in its super-block: none) + (own chunk: empty)
     * = 1e16 + (−1e16 + 0.7) = 0 in double (the ulp of 1e16 is 2). Summing (1e16 − 1e16) + 0.7 = 0.7
     * instead would give the mean slot a value of 0.7/8 that a distributed engine never sees.
     */
    @org.junit.jupiter.api.Test
    void causalExclusiveMeanAtAChunkStartFollowsTheHierarchicalOrder() {
        int n = 9;
        long[] pos = new long[n];
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            q[i] = new float[] {0f};
            k[i] = new float[] {0f};
            v[i] = new float[] {0f};
        }
        v[0][0] = 1e16f;
        v[4][0] = -1e16f;
        v[6][0] = 0.7f;
        // fixture check: the two summation orders really differ
        assertEquals(0.0, (double) 1e16f + ((double) -1e16f + (double) 0.7f), 0.0, "A + (B + C)");
        assertEquals((double) 0.7f, ((double) 1e16f + (double) -1e16f) + (double) 0.7f, 0.0, "(A + B) + C");
        TokenSequence s = Fixtures.rows(pos, q, k, v);
        ZetaParams p = ZetaParams.defaults().withChunkSize(2).withK(1).withIncludeSelf(false);
        AttentionResult res = new ZetaAttention(p).run(s);
        // the only selected key is pos 7 (v = 0); the mean slot's value is the hierarchical sum / 8
        assertArrayEquals(new long[] {7}, res.selection.positionsOf(8));
        // its weight and the mean slot's are both 1/γ² (all keys are 0), so out(8) = v̄/2 = 0
        assertEquals(0f, res.outOf(8)[0], 0f, "out(8): the mean slot must sum super-block totals 1e16 + (−1e16 + 0.7) = 0");
        // the inclusive (includeSelf) prefix at pos 8 is the same sum plus v(8) = 0: also 0
        AttentionResult withSelf = new ZetaAttention(p.withIncludeSelf(true)).run(s);
        assertEquals(0f, withSelf.outOf(8)[0], 0f, "out(8) with includeSelf");
    }

    @ParameterizedTest(name = "causal={0} self={1} M={2} {3}")
    @CsvSource({"true,true,4,CAUCHY", "true,false,4,CAUCHY", "true,false,2,SOFTMAX", "true,true,16,INVERSE",
            "true,false,16,CAUCHY", "true,false,256,CAUCHY", "false,true,4,CAUCHY", "false,false,8,SOFTMAX"})
    void engineMeanSlotEqualsTheDistributedAggregation(boolean causal, boolean self, int m, KernelType kernel) {
        SplittableRandom rnd = new SplittableRandom(m * 31L + (causal ? 1 : 0) + (self ? 2 : 0));
        int n = 1500;
        int d = 3;
        int dv = 4;
        long[] pos = HierarchicalSumTest.gappyPositions(rnd, n, m);
        float[] q = Fixtures.gaussian(rnd, n * d, 2);
        float[] k = HierarchicalSumTest.roughValues(rnd, n * d, 3);
        float[] v = HierarchicalSumTest.roughValues(rnd, n * dv);
        TokenSequence s = TokenSequence.of(pos, q, k, v, d, dv);
        ZetaParams p = ZetaParams.defaults().withChunkSize(m).withWindow(8).withK(4).withCausal(causal)
                .withIncludeSelf(self).withKernel(kernel).withRange(-1e4, 1e4);
        AttentionResult res = new ZetaAttention(p).run(s);

        double[][] x = new double[n][d + dv];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i][t] = k[i * d + t];
            }
            for (int t = 0; t < dv; t++) {
                x[i][d + t] = v[i * dv + t];
            }
        }
        HierarchicalSumTest.Distributed agg = new HierarchicalSumTest.Distributed(pos, x, m);
        double[] total = agg.total();
        Attention att = new Attention(p, dv);
        Selection sel = res.selection;
        int kk = sel.k;
        int[] valOff = new int[kk];
        float[] out = new float[dv];
        float[] w = new float[kk];
        double[] meanK = new double[d];
        double[] meanV = new double[dv];
        int firstOfChunkChecked = 0;
        for (int i = 0; i < n; i++) {
            double[] sum;
            long count;
            if (causal) {
                sum = agg.prefix(i, self);
                count = self ? i + 1 : i;
            } else {
                // bidirectional: the whole-sequence total; without self the engine subtracts the query's own row
                sum = total.clone();
                if (!self) {
                    for (int t = 0; t < d + dv; t++) {
                        sum[t] = total[t] - x[i][t];
                    }
                }
                count = self ? n : n - 1;
            }
            boolean hasMean = count > 0;
            double meanDist = 0;
            if (hasMean) {
                ZetaAttention.meanOf(sum, count, d, dv, meanK, meanV);
                meanDist = Distances.squared(q, i * d, meanK, 0, d);
            }
            for (int j = 0; j < sel.count[i]; j++) {
                valOff[j] = sel.idx[i * kk + j] * dv;
            }
            java.util.Arrays.fill(w, 0f);
            att.apply(sel.count[i], sel.dist, i * kk, v, valOff, hasMean, meanDist, meanV, out, 0, w, 0);
            String where = "pos " + pos[i] + " (index " + i + ", " + (i > 0 && pos[i - 1] / m == pos[i] / m
                    ? "inside its chunk" : "first of its chunk") + ")";
            assertArrayEquals(Fixtures.floatBits(out), Fixtures.floatBits(res.outOf(i)), where + ": out bits");
            assertArrayEquals(Fixtures.floatBits(java.util.Arrays.copyOf(w, sel.count[i])),
                    Fixtures.floatBits(res.weightsOf(i)), where + ": nbr_w bits");
            if (i > 0 && pos[i - 1] / m != pos[i] / m) {
                firstOfChunkChecked++;
            }
        }
        assertTrue(firstOfChunkChecked > 10);
        assertEquals(0, sel.clampedComponents, "the range was chosen to cover the fixture");
    }
}
