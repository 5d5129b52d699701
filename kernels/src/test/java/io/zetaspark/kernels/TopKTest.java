package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bounded top-k in candidate order: distance ascending, ties to the larger position. */
class TopKTest {

    /** The k best of (dist, pos) pairs by sorting: the reference. */
    private static long[] referencePositions(double[] dist, long[] pos, int k) {
        Integer[] order = new Integer[dist.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> dist[i])
                .thenComparing(i -> pos[i], Comparator.reverseOrder()));
        long[] r = new long[Math.min(k, dist.length)];
        for (int j = 0; j < r.length; j++) {
            r[j] = pos[order[j]];
        }
        return r;
    }

    @Test
    void keepsTheKBestInCandidateOrderWithHeavyTies() {
        SplittableRandom rnd = new SplittableRandom(2024);
        TopK top = new TopK(1);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rnd.nextInt(300);
            int k = 1 + rnd.nextInt(64);
            int distinctDistances = 1 + rnd.nextInt(6); // a handful of values: ties everywhere
            double[] dist = new double[n];
            long[] pos = new long[n];
            long[] shuffledPos = rnd.longs(n * 3L, 0, 1_000_000).distinct().limit(n).toArray();
            if (shuffledPos.length < n) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                dist[i] = rnd.nextInt(distinctDistances) * 0.5;
                pos[i] = shuffledPos[i];
            }
            top.reset(k);
            int[] pay = new int[n];
            for (int i = 0; i < n; i++) {
                pay[i] = i;
                boolean accepted = top.accepts(dist[i], pos[i]);
                assertEquals(accepted, top.offer(dist[i], pos[i], i), "accepts() and offer() must agree");
            }
            int m = Math.min(k, n);
            assertEquals(m, top.size());
            double[] dOut = new double[m + 2];
            long[] pOut = new long[m + 2];
            int[] payOut = new int[m + 2];
            assertEquals(m, top.drainSorted(dOut, pOut, payOut, 2));
            assertEquals(0, top.size(), "drain empties the heap");
            long[] expected = referencePositions(dist, pos, k);
            assertArrayEquals(expected, Arrays.copyOfRange(pOut, 2, m + 2), "trial " + trial + " n=" + n + " k=" + k);
            for (int j = 0; j < m; j++) {
                int src = payOut[2 + j];
                assertEquals(pos[src], pOut[2 + j], "payload travels with its entry");
                assertEquals(dist[src], dOut[2 + j]);
            }
        }
    }

    @Test
    void offerDistinctKeepsTheBestOfTheDeduplicatedCandidates() {
        // repeats as several curves deliver them: the same (distance, position) again, in any order,
        // after it was kept, refused or evicted; heavy ties
        SplittableRandom rnd = new SplittableRandom(77);
        TopK top = new TopK(1);
        for (int trial = 0; trial < 2000; trial++) {
            int distinct = 1 + rnd.nextInt(200);
            int k = 1 + rnd.nextInt(40);
            double[] dist = new double[distinct];
            long[] pos = new long[distinct];
            for (int i = 0; i < distinct; i++) {
                dist[i] = rnd.nextInt(1 + rnd.nextInt(6)) * 0.25;
                pos[i] = 1000L * i + rnd.nextInt(1000);
            }
            top.reset(k);
            int offers = distinct * (1 + rnd.nextInt(4));
            for (int r = 0; r < offers; r++) {
                int i = r < distinct ? r : rnd.nextInt(distinct);
                top.offerDistinct(dist[i], pos[i], i);
            }
            long[] out = new long[k];
            int m = top.drainSorted(null, out, null, 0);
            assertArrayEquals(referencePositions(dist, pos, k), Arrays.copyOf(out, m), "trial " + trial);
        }
    }

    @Test
    void drainSortedIsBestFirst() {
        TopK top = new TopK(5);
        double[] d = {3, 1, 2, 1, 0.5, 9, 1};
        long[] p = {10, 20, 30, 40, 50, 60, 70};
        for (int i = 0; i < d.length; i++) {
            top.offer(d[i], p[i], i);
        }
        double[] dOut = new double[5];
        long[] pOut = new long[5];
        int[] payOut = new int[5];
        assertEquals(5, top.drainSorted(dOut, pOut, payOut, 0));
        assertArrayEquals(new double[] {0.5, 1, 1, 1, 2}, dOut);
        assertArrayEquals(new long[] {50, 70, 40, 20, 30}, pOut); // equal distance: larger pos first
        assertArrayEquals(new int[] {4, 6, 3, 1, 2}, payOut);
    }

    @Test
    void kLargerThanTheNumberOfferedKeepsAllSorted() {
        TopK top = new TopK(32);
        top.offer(4, 1, 0);
        top.offer(0, 2, 1);
        top.offer(4, 3, 2);
        assertEquals(3, top.size());
        assertTrue(top.accepts(1e300, 0), "a heap below its bound accepts anything");
        long[] pOut = new long[32];
        assertEquals(3, top.drainSorted(null, pOut, null, 0));
        assertArrayEquals(new long[] {2, 3, 1}, Arrays.copyOf(pOut, 3));
    }

    @Test
    void fullHeapRejectsWorseAndEqualWorstButAcceptsTheTieWithALargerPosition() {
        TopK top = new TopK(2);
        top.offer(1, 100, 0);
        top.offer(2, 200, 1);
        assertFalse(top.accepts(3, 999));
        assertFalse(top.offer(2, 150, 2), "same distance, smaller pos: worse than the kept one");
        assertTrue(top.accepts(2, 250));
        assertTrue(top.offer(2, 250, 3), "same distance, larger pos: better");
        long[] pOut = new long[2];
        top.drainSorted(null, pOut, null, 0);
        assertArrayEquals(new long[] {100, 250}, pOut);
    }

    @Test
    void betterIsTheCandidateOrder() {
        assertTrue(TopK.better(1, 0, 2, 9));
        assertTrue(TopK.better(1, 9, 1, 8));
        assertFalse(TopK.better(1, 8, 1, 9));
        assertFalse(TopK.better(1, 8, 1, 8));
        assertFalse(TopK.better(2, 9, 1, 0));
    }

    @Test
    void resetGrowsAndReuses() {
        TopK top = new TopK(2);
        for (int i = 0; i < 5; i++) {
            top.offer(i, i, i);
        }
        top.reset(100);
        assertEquals(0, top.size());
        assertEquals(100, top.bound());
        for (int i = 0; i < 150; i++) {
            top.offer(150 - i, i, i);
        }
        assertEquals(100, top.size());
        long[] pOut = new long[100];
        top.drainSorted(null, pOut, null, 0);
        assertEquals(149, pOut[0]);
        assertEquals(50, pOut[99]);
    }

    @Test
    void containsPosSeesOnlyKeptEntries() {
        TopK top = new TopK(2);
        top.offer(1, 10, 0);
        top.offer(2, 20, 1);
        top.offer(0, 30, 2); // evicts pos 20
        assertTrue(top.containsPos(10));
        assertTrue(top.containsPos(30));
        assertFalse(top.containsPos(20));
    }
}
