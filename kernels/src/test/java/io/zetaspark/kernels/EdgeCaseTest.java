package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Edge cases of the operator: tiny sequences, degenerate keys, gaps, small k, invalid input. */
class EdgeCaseTest {

    private static TokenSequence single(float[] q, float[] k, float[] v) {
        return TokenSequence.of(new long[] {5}, q, k, v, q.length, v.length);
    }

    @Test
    void oneTokenWithIncludeSelfSelectsItself() {
        TokenSequence s = single(new float[] {1, 2}, new float[] {1.5f, 2}, new float[] {3, -4, 5});
        for (boolean causal : new boolean[] {true, false}) {
            AttentionResult r = new ZetaAttention(ZetaParams.defaults().withCausal(causal)).run(s);
            assertArrayEquals(new long[] {5}, r.selection.positionsOf(0));
            assertEquals(0.25, r.selection.distancesOf(0)[0]);
            assertEquals(0.5, r.nnDist[0]);
            // its own value and the mean slot (the mean of one key: itself) give out = v
            assertArrayEquals(new float[] {3, -4, 5}, r.outOf(0), 1e-6f);
            assertEquals(0.5f, r.weightsOf(0)[0], 1e-7f, "self and mean slot share the weight");
        }
    }

    @Test
    void oneTokenWithoutIncludeSelfSelectsNothing() {
        TokenSequence s = single(new float[] {1, 2}, new float[] {1, 2}, new float[] {3, -4, 5});
        for (boolean causal : new boolean[] {true, false}) {
            for (boolean mean : new boolean[] {true, false}) {
                ZetaParams p = ZetaParams.defaults().withCausal(causal).withIncludeSelf(false).withMeanSlot(mean);
                AttentionResult r = new ZetaAttention(p).run(s);
                assertEquals(0, r.selection.count[0]);
                assertArrayEquals(new float[] {0, 0, 0}, r.outOf(0));
                assertEquals(Double.POSITIVE_INFINITY, r.nnDist[0]);
                assertEquals(0, r.weightsOf(0).length);
                AttentionResult e = new ZetaAttention(p.withExact(true)).run(s);
                assertEquals(0, e.selection.count[0]);
                assertEquals(Double.POSITIVE_INFINITY, e.nnDist[0]);
            }
        }
    }

    @Test
    void firstTokenWithoutIncludeSelfHasNoNeighbours() {
        TokenSequence s = Fixtures.generate(TokenGenerator.Kind.GAUSSIAN, 1, 3, 2, 10, 1);
        AttentionResult r = new ZetaAttention(ZetaParams.defaults().withIncludeSelf(false)).run(s);
        assertEquals(0, r.selection.count[0]);
        assertArrayEquals(new float[] {0, 0}, r.outOf(0));
        assertEquals(Double.POSITIVE_INFINITY, r.nnDist[0]);
        assertEquals(1, r.selection.count[1]);
    }

    @Test
    void allKeysIdenticalSelectsTheMostRecentWithEqualWeights() {
        int n = 1000;
        long[] pos = new long[n];
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            q[i] = Fixtures.gaussian(rnd, 3, 1);
            k[i] = new float[] {-1, 0, 1};
            v[i] = new float[] {i};
        }
        TokenSequence s = Fixtures.rows(pos, q, k, v);
        ZetaParams p = ZetaParams.defaults().withK(8);
        AttentionResult r = new ZetaAttention(p).run(s);
        for (int i = 0; i < n; i += 37) {
            long[] got = r.selection.positionsOf(i);
            assertEquals(Math.min(8, i + 1), got.length);
            for (int j = 0; j < got.length; j++) {
                assertEquals(i - j, got[j], "query " + i + ": ties go to the most recent keys");
            }
            float[] w = r.weightsOf(i);
            for (float x : w) {
                assertEquals(w[0], x, 0f, "identical keys get identical weights");
            }
        }
    }

    @Test
    void positionsWithGapsAndHugeValuesMatchTheOracle() {
        long[] pos = {0, 1, 7, 255, 256, 257, 4096, 70_000, 70_001, 1L << 40, (1L << 40) + 3, 1L << 61,
            (1L << 62) - 1, (1L << 62) + 5, Long.MAX_VALUE - 1};
        int n = pos.length;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] q = Fixtures.gaussian(rnd, n * 2, 1);
        float[] k = Fixtures.gaussian(rnd, n * 2, 1);
        float[] v = Fixtures.gaussian(rnd, n, 1);
        TokenSequence s = TokenSequence.of(pos, q, k, v, 2, 1);
        for (boolean causal : new boolean[] {true, false}) {
            for (boolean self : new boolean[] {true, false}) {
                ZetaParams p = ZetaParams.defaults().withK(4).withCausal(causal).withIncludeSelf(self);
                AttentionResult approx = new ZetaAttention(p).run(s);
                AttentionResult exact = new ZetaAttention(p.withExact(true)).run(s);
                for (int i = 0; i < n; i++) {
                    Fixtures.assertSameSelection(approx.selection, i, exact.selection, i,
                            "causal=" + causal + " self=" + self + " pos " + pos[i]);
                    assertTrue(Fixtures.relativeError(approx.outOf(i), exact.outOf(i)) <= 1e-5);
                }
            }
        }
    }

    @ParameterizedTest(name = "causal={0} self={1} mean={2} {3}")
    @CsvSource({"true,true,true,CAUCHY", "true,false,true,SOFTMAX", "false,true,true,INVERSE",
            "false,false,true,CAUCHY", "true,true,false,CAUCHY", "false,false,false,SOFTMAX"})
    void kLargerThanTheEligibleKeysReturnsWhatExistsAndWeightsSumToOne(boolean causal, boolean self, boolean mean,
                                                                       KernelType kernel) {
        int n = 40;
        TokenSequence s = Fixtures.generate(TokenGenerator.Kind.CLUSTERED, 6, 3, 3, n, 3);
        ZetaParams p = ZetaParams.defaults().withK(100).withChunkSize(16).withCausal(causal).withIncludeSelf(self)
                .withMeanSlot(mean).withKernel(kernel);
        AttentionResult r = new ZetaAttention(p).run(s);
        Attention att = new Attention(p, s.dv());
        float[] kk = s.k();
        for (int i = 0; i < n; i++) {
            int eligible = causal ? (self ? i + 1 : i) : (self ? n : n - 1);
            assertEquals(eligible, r.selection.count[i], "query " + i + " gets every eligible key");
            if (eligible == 0) {
                continue;
            }
            double[] dist = r.selection.distancesOf(i);
            double wSum = 0;
            for (float w : r.weightsOf(i)) {
                wSum += w;
            }
            double meanShare = 0;
            if (mean) {
                // the mean slot's weight, recomputed: mean of the eligible keys, same kernel
                double[] mk = new double[3];
                for (int j = 0; j < n; j++) {
                    boolean el = causal ? (self ? j <= i : j < i) : (self || j != i);
                    for (int m = 0; el && m < 3; m++) {
                        mk[m] += kk[j * 3 + m] / (double) eligible;
                    }
                }
                double md = Distances.squared(s.q(), i * 3, mk, 0, 3);
                double ref = md;
                for (double x : dist) {
                    ref = Math.min(ref, x);
                }
                double total = att.weight(md, ref);
                for (double x : dist) {
                    total += att.weight(x, ref);
                }
                meanShare = att.weight(md, ref) / total;
                assertTrue(meanShare > 0);
            }
            assertEquals(1.0, wSum + meanShare, 1e-5, "query " + i + ": neighbour weights plus the mean weight");
        }
    }

    private static IllegalArgumentException rejected(float[] q, float[] k, float[] v) {
        long[] pos = {0, 3, 7};
        return assertThrows(IllegalArgumentException.class, () -> TokenSequence.of(pos, q, k, v, 2, 2));
    }

    @Test
    void nonFiniteValuesAreRejectedNamingPositionAndField() {
        float[] ok = {0, 1, 2, 3, 4, 5};
        float[] bad = ok.clone();
        bad[3] = Float.NaN; // token 1 (pos 3), component 1
        String msg = rejected(bad, ok, ok).getMessage();
        assertTrue(msg.contains("pos 3") && msg.contains("q[1]") && msg.contains("NaN"), msg);
        bad = ok.clone();
        bad[4] = Float.POSITIVE_INFINITY; // token 2 (pos 7), component 0
        msg = rejected(ok, bad, ok).getMessage();
        assertTrue(msg.contains("pos 7") && msg.contains("k[0]") && msg.contains("Infinity"), msg);
        bad = ok.clone();
        bad[1] = Float.NEGATIVE_INFINITY; // token 0 (pos 0), component 1
        msg = rejected(ok, ok, bad).getMessage();
        assertTrue(msg.contains("pos 0") && msg.contains("v[1]") && msg.contains("-Infinity"), msg);
    }

    @Test
    void negativeAndDuplicatePositionsAreRejected() {
        float[] z = new float[6];
        String msg = assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {-4, 0, 1}, z, z, z, 2, 2)).getMessage();
        assertTrue(msg.contains("-4"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {0, 9, 9}, z, z, z, 2, 2)).getMessage();
        assertTrue(msg.contains("9") && msg.contains("duplicate"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {9, 2, 9}, z, z, z, 2, 2)).getMessage();
        assertTrue(msg.contains("9") && msg.contains("duplicate"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {5, -1, 2}, z, z, z, 2, 2)).getMessage();
        assertTrue(msg.contains("-1"), msg);
    }

    @Test
    void mismatchedLengthsAndDimensionsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {0, 1}, new float[4], new float[3], new float[2], 2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {0}, new float[9], new float[9], new float[1], 9, 1));
        assertThrows(IllegalArgumentException.class,
                () -> TokenSequence.of(new long[] {0}, new float[1], new float[1], new float[0], 1, 0));
    }

    @Test
    void unsortedInputIsSortedAndGivesTheSameResult() {
        TokenSequence sorted = Fixtures.generate(TokenGenerator.Kind.TIES, 8, 3, 4, 700, 2);
        int n = sorted.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(12);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        long[] pos = new long[n];
        float[] q = new float[n * 3];
        float[] k = new float[n * 3];
        float[] v = new float[n * 4];
        for (int i = 0; i < n; i++) {
            int o = perm[i];
            pos[i] = sorted.pos()[o];
            System.arraycopy(sorted.q(), o * 3, q, i * 3, 3);
            System.arraycopy(sorted.k(), o * 3, k, i * 3, 3);
            System.arraycopy(sorted.v(), o * 4, v, i * 4, 4);
        }
        TokenSequence shuffled = TokenSequence.of(pos, q, k, v, 3, 4);
        assertArrayEquals(sorted.pos(), shuffled.pos());
        assertArrayEquals(sorted.q(), shuffled.q());
        assertArrayEquals(sorted.v(), shuffled.v());
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(16);
        AttentionResult a = new ZetaAttention(p).run(sorted);
        AttentionResult b = new ZetaAttention(p).run(shuffled);
        for (int i = 0; i < n; i++) {
            Fixtures.assertSameBits(b, i, a, i, "pos " + sorted.pos()[i]);
        }
    }
}
