package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mean slot's sums built from pieces (chunk totals, chunk bases, super-block bases, the own
 * chunk's running sum) are the doubles that {@link HierarchicalSum} gives while streaming the tokens,
 * bit for bit, with gaps that leave chunks and super-blocks empty.
 */
class MeanSumsTest {
    @Test
    void piecesEqualTheStreamingSums() {
        Random r = new Random(3);
        int d = 3;
        int dv = 5;
        int m = 4; // super-blocks of 4 chunks of 4 positions
        int n = 400;
        long[] pos = new long[n];
        long p = 7;
        for (int i = 0; i < n; i++) {
            p += 1 + (r.nextInt(10) == 0 ? r.nextInt(40) : 0);
            pos[i] = p;
        }
        float[] k = new float[n * d];
        float[] v = new float[n * dv];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (r.nextGaussian() * 1e3);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        int w = d + dv;
        // the pieces: chunk totals, then bases in chunk order and super-block order
        java.util.TreeMap<Long, double[]> chunkTotal = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            MeanSums.addToken(chunkTotal.computeIfAbsent(pos[i] / m, c -> new double[w]), k, i * d, d, v, i * dv, dv);
        }
        java.util.Map<Long, double[]> chunkBase = new java.util.HashMap<>();
        java.util.TreeMap<Long, double[]> superTotal = new java.util.TreeMap<>();
        for (java.util.Map.Entry<Long, double[]> e : chunkTotal.entrySet()) {
            double[] running = superTotal.computeIfAbsent(e.getKey() / m, s -> new double[w]);
            chunkBase.put(e.getKey(), running.clone());
            MeanSums.addInto(running, e.getValue());
        }
        java.util.Map<Long, double[]> superBase = new java.util.HashMap<>();
        double[] acc = new double[w];
        for (java.util.Map.Entry<Long, double[]> e : superTotal.entrySet()) {
            superBase.put(e.getKey(), acc.clone());
            MeanSums.addInto(acc, e.getValue());
        }
        HierarchicalSum h = new HierarchicalSum(w, m);
        double[] own = new double[w];
        long ownChunk = -1;
        double[] expected = new double[w];
        double[] actual = new double[w];
        for (int i = 0; i < n; i++) {
            long c = pos[i] / m;
            if (c != ownChunk) {
                own = new double[w];
                ownChunk = c;
            }
            // exclusive prefix (a query without its own key), then inclusive
            h.advanceTo(pos[i]);
            h.prefix(expected);
            MeanSums.prefix(superBase.get(c / m), chunkBase.get(c), own, actual);
            assertArrayEquals(expected, actual, 0.0, "exclusive prefix at " + pos[i]);
            h.add(pos[i], k, i * d, d, v, i * dv, dv);
            MeanSums.addToken(own, k, i * d, d, v, i * dv, dv);
            h.prefix(expected);
            MeanSums.prefix(superBase.get(c / m), chunkBase.get(c), own, actual);
            assertArrayEquals(expected, actual, 0.0, "inclusive prefix at " + pos[i]);
        }
        h.total(expected);
        assertArrayEquals(expected, acc, 0.0, "the whole sequence's total");
        assertEquals(n, h.count());
    }
}
