package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.LevelBatch;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenGenerator.Kind;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link WindowBatch}, the CPU twin of the GPU window kernel: a literal fixture, an independent
 * brute-force statement of the window rule, and — the property the Spark job and the GPU rely on —
 * that merging the per-curve batches with the own chunk gives the in-memory engine's selection,
 * on heavy ties too.
 */
class WindowBatchTest {
    // keys in (code, pos) order: positions and 1-d vectors
    private static final long[] KEY_POS = {5, 40, 7, 12, 33, 2, 50};
    private static final float[] KEY_VEC = {0, 1, 2, 3, 4, 5, 6};

    @Test
    void literalWindowSkipsIneligibleKeysAndBreaksTiesByLargerPosition() {
        // query 0: insertion point 3, own chunk from 10 on (causal): eligible are positions 5, 7, 2.
        // half = 1: left takes row 2 (pos 7, vec 2); right skips rows 3, 4 and takes row 5 (pos 2, vec 5).
        // query 1: the same window at q = 3.5: both at distance 2.25, the larger position first.
        // query 2: bidirectional own chunk [0, 3): pos 2 skipped; left takes row 6 (pos 50), right none.
        int[] ins = {3, 3, 7};
        long[] cutLo = {10, 10, 0};
        long[] cutHi = {Long.MAX_VALUE, Long.MAX_VALUE, 3};
        float[] q = {4f, 3.5f, 0f};
        int k = 2;
        int[] count = new int[3];
        double[] dist = new double[6];
        long[] pos = new long[6];
        long walked = WindowBatch.run(1, 1, k, KEY_POS, KEY_VEC, 0, KEY_POS.length, 3, ins, cutLo, cutHi, q,
                count, dist, pos);
        assertArrayEquals(new int[] {2, 2, 1}, count);
        assertArrayEquals(new long[] {2, 7, 7, 2, 50, 0}, pos);
        assertArrayEquals(new double[] {1.0, 4.0, 2.25, 2.25, 36.0, 0.0}, dist);
        assertEquals(4 + 4 + 1, walked);
    }

    @Test
    void keepsOnlyTheBestKInCandidateOrder() {
        int[] count = new int[1];
        double[] dist = new double[1];
        long[] pos = new long[1];
        WindowBatch.run(1, 3, 1, KEY_POS, KEY_VEC, 0, KEY_POS.length, 1, new int[] {3}, new long[] {10},
                new long[] {Long.MAX_VALUE}, new float[] {4f}, count, dist, pos);
        assertEquals(1, count[0]);
        assertEquals(2, pos[0]); // vec 5 at distance 1 beats vec 2 and vec 0
    }

    @Test
    void rejectsInsertionPointsOutsideTheRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WindowBatch.run(1, 1, 1, KEY_POS, KEY_VEC, 2, 5, 1, new int[] {6}, new long[] {0},
                        new long[] {1}, new float[] {0f}, new int[1], new double[1], new long[1]));
        assertTrue(e.getMessage().contains("insertion point 6 outside [2, 5]"), e.getMessage());
    }

    /** The rule stated independently: lists of eligible rows on each side, sort, cut. */
    private static void bruteForce(LevelBatch b, int d, int half, int k, int[] count, double[] dist, long[] pos) {
        for (int r = 0; r < b.nq(); r++) {
            List<double[]> cand = new ArrayList<>(); // {dist, pos}
            int to = b.run.size();
            List<Integer> rows = new ArrayList<>();
            for (int i = b.ins[r] - 1; i >= 0 && rows.size() < half; i--) {
                if (b.run.pos[i] < b.cutLo[r] || b.run.pos[i] >= b.cutHi[r]) {
                    rows.add(i);
                }
            }
            List<Integer> right = new ArrayList<>();
            for (int i = b.ins[r]; i < to && right.size() < half; i++) {
                if (b.run.pos[i] < b.cutLo[r] || b.run.pos[i] >= b.cutHi[r]) {
                    right.add(i);
                }
            }
            rows.addAll(right);
            for (int i : rows) {
                cand.add(new double[] {Distances.squared(b.qVec, r * d, b.run.vec, i * d, d), b.run.pos[i]});
            }
            cand.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparing(c -> -c[1]));
            count[r] = Math.min(k, cand.size());
            for (int j = 0; j < count[r]; j++) {
                dist[r * k + j] = cand.get(j)[0];
                pos[r * k + j] = (long) cand.get(j)[1];
            }
        }
    }

    @Test
    void equalsTheRuleStatedByBruteForceOnTies() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(16).withWindow(12).withK(5).withCurves(2);
        TokenSequence s = Fixtures.sequence(Kind.TIES, 3_000, 1, 21, 3, 2);
        int[] batches = {0};
        for (ZetaParams params : new ZetaParams[] {p, p.withCausal(false)}) {
            LevelBatch.forEach(s, params, b -> {
                int nq = b.nq();
                int k = params.k();
                int[] c1 = new int[nq];
                double[] d1 = new double[nq * k];
                long[] p1 = new long[nq * k];
                int[] c2 = new int[nq];
                double[] d2 = new double[nq * k];
                long[] p2 = new long[nq * k];
                WindowBatch.run(3, params.halfWindow(), k, b.run.pos, b.run.vec, 0, b.run.size(), nq, b.ins, b.cutLo,
                        b.cutHi, b.qVec, c1, d1, p1);
                bruteForce(b, 3, params.halfWindow(), k, c2, d2, p2);
                assertArrayEquals(c2, c1);
                assertArrayEquals(d2, d1);
                assertArrayEquals(p2, p1);
                batches[0]++;
            });
        }
        assertTrue(batches[0] > 10, "too few batches exercised: " + batches[0]);
    }

    /** Per query: own chunk exact + every curve's batch result, deduplicated by position, best k. */
    private static void assertMergeEqualsEngine(TokenSequence s, ZetaParams params, String what) {
        int n = s.size();
        int d = s.d();
        int k = params.k();
        long m = params.chunkSize();
        long[] tokPos = s.pos();
        Map<Integer, Map<Long, Double>> cand = new HashMap<>();
        long[] walked = {0};
        LevelBatch.forEach(s, params, b -> {
            int nq = b.nq();
            int[] count = new int[nq];
            double[] dist = new double[nq * k];
            long[] pos = new long[nq * k];
            walked[0] += WindowBatch.run(b.run.codes, d, params.halfWindow(), k, b.run.pos, b.run.vec, 0, b.run.size(), nq, b.ins,
                    b.cutLo, b.cutHi, b.qVec, count, dist, pos);
            for (int r = 0; r < nq; r++) {
                Map<Long, Double> c = cand.computeIfAbsent(b.queries[r], x -> new HashMap<>());
                for (int j = 0; j < count[r]; j++) {
                    Double prev = c.put(pos[r * k + j], dist[r * k + j]);
                    assertTrue(prev == null || prev == dist[r * k + j], "a key's distance differs between curves");
                }
            }
        });
        Selection sel = new ZetaAttention(params).select(s);
        assertEquals(sel.rowsWalked, walked[0], what + ": rows walked");
        for (int i = 0; i < n; i++) {
            Map<Long, Double> c = cand.computeIfAbsent(i, x -> new HashMap<>());
            long chunk = tokPos[i] / m;
            for (int j = 0; j < n; j++) {
                boolean own = tokPos[j] / m == chunk;
                boolean eligible = params.causal() ? j <= i : true;
                if (own && eligible && (params.includeSelf() || j != i)) {
                    c.put(tokPos[j], Distances.squared(s.q(), i * d, s.k(), j * d, d));
                }
            }
            List<Map.Entry<Long, Double>> list = new ArrayList<>(c.entrySet());
            list.sort(Comparator.<Map.Entry<Long, Double>>comparingDouble(Map.Entry::getValue)
                    .thenComparing(e -> -e.getKey()));
            int cnt = Math.min(k, list.size());
            long[] expectPos = new long[cnt];
            double[] expectDist = new double[cnt];
            for (int j = 0; j < cnt; j++) {
                expectPos[j] = list.get(j).getKey();
                expectDist[j] = list.get(j).getValue();
            }
            final int q = i;
            assertArrayEquals(expectPos, sel.positionsOf(i), () -> what + ": query " + q + " positions");
            assertArrayEquals(expectDist, sel.distancesOf(i), () -> what + ": query " + q + " distances");
        }
    }

    @Test
    void mergedBatchesEqualTheEngineOnTiesGaussianAndClustered() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8).withCurves(3);
        assertMergeEqualsEngine(Fixtures.sequence(Kind.TIES, 2_500, 1, 31, 3, 2), p, "ties");
        assertMergeEqualsEngine(Fixtures.sequence(Kind.GAUSSIAN, 2_500, 3, 32, 3, 2), p, "gaussian with gaps");
        assertMergeEqualsEngine(Fixtures.sequence(Kind.CLUSTERED, 2_500, 1, 33, 3, 2), p, "clustered");
    }

    @Test
    void mergedBatchesEqualTheEngineWithoutSelfAndBidirectional() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8).withCurves(3);
        TokenSequence ties = Fixtures.sequence(Kind.TIES, 2_000, 2, 34, 3, 2);
        assertMergeEqualsEngine(ties, p.withIncludeSelf(false), "ties without self");
        assertMergeEqualsEngine(ties, p.withCausal(false), "ties bidirectional");
        assertMergeEqualsEngine(ties, p.withCausal(false).withIncludeSelf(false), "ties bidirectional without self");
    }

    @Test
    void tiesReallyTie() {
        // the TIES fixture must produce exact distance ties at the k-th place, or the tests above prove little
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8).withCurves(3);
        Selection sel = new ZetaAttention(p).select(Fixtures.sequence(Kind.TIES, 2_500, 1, 31, 3, 2));
        int tied = 0;
        for (int i = 0; i < sel.n; i++) {
            double[] dd = sel.distancesOf(i);
            if (dd.length >= 2 && Arrays.stream(dd).filter(x -> x == dd[dd.length - 1]).count() >= 2) {
                tied++;
            }
        }
        assertTrue(tied > sel.n / 2, "only " + tied + " of " + sel.n + " queries have a tie at the k-th distance");
    }
}
