package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A curve's keys cut into sites by (code, pos) split points, each query answered in the site its
 * (code, cut) falls into and continued into the neighbouring sites when a side runs out, gives the
 * same per-curve candidates as the window rule over the whole sequence's level runs
 * ({@link LevelBatch} and {@link WindowBatch}): causal and bidirectional, with gaps, exact ties,
 * one word repeated (runs of equal codes cut by split points) and sites that hold nothing.
 */
class SiteWindowsTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);

    @Test
    void gaussianCausalSitesEqualWholeRuns() {
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 3, 3, 2).sequence(3, 3000, 1);
        assertTrue(check(s, SMALL, 7, 1) > 0, "some walks leave their site");
    }

    @Test
    void tiesWithGapsCausalAndBidirectional() {
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.TIES, 4, 3, 2).sequence(4, 2500, 3);
        assertTrue(check(s, SMALL, 5, 2) > 0, "some walks leave their site");
        assertTrue(check(s, SMALL.withCausal(false), 6, 3) > 0, "some walks leave their site");
        assertTrue(check(s, ZetaParams.defaults().withChunkSize(64), 3, 4) > 0, "some walks leave their site");
    }

    @Test
    void oneWordCutByManySites() {
        TokenSequence g = new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 5, 3, 2).sequence(5, 1500, 1);
        int d = 3;
        float[] q = new float[g.size() * d];
        for (int i = 0; i < g.size(); i++) {
            System.arraycopy(g.q(), 0, q, i * d, d);
        }
        TokenSequence word = TokenSequence.of(g.pos(), q, q.clone(), g.v(), d, g.dv());
        assertTrue(check(word, SMALL, 9, 5) > 0, "some walks leave their site");
        // bidirectional: every query sits after every key of the word, in the last site, which holds enough
        assertEquals(0, check(word, SMALL.withCausal(false), 4, 6));
    }

    @Test
    void continuationWalksFromEitherEnd() {
        // keys 0..9 with codes 0..9; one site; a walk down from the top end takes the highest eligible keys
        long[] pos = new long[10];
        float[] vec = new float[10];
        long[] code = new long[10];
        for (int i = 0; i < 10; i++) {
            pos[i] = i * 32L; // one key per chunk
            vec[i] = i;
            code[i] = i;
        }
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(4).withK(4);
        SiteWindows w = new SiteWindows(p, 1, 0, pos, vec, code, SiteWindows.sortOrder(code, 10), 10);
        TopK top = new TopK(4);
        // query at pos 5·32: level 3 (relative chunk 5): keys of chunks below 7 are in the run; eligible below 5
        int rest = w.continueWalk(3, true, 3, 5 * 32L, new float[] {0}, 0, top);
        assertEquals(0, rest);
        double[] dist = new double[4];
        long[] idx = new long[4];
        int c = top.drainSorted(dist, idx, null, 0);
        assertEquals(3, c);
        assertArrayEquals(new long[] {2, 3, 4}, Arrays.copyOf(idx, c), "the nearest to 0 first among keys 4, 3, 2");
        top.reset(4);
        assertEquals(2, w.continueWalk(3, false, 7, 5 * 32L, new float[] {0}, 0, top), "five eligible keys upwards");
    }

    /**
     * Splits the sequence into {@code sites} sites on every curve and compares every query's per-curve
     * list; returns how many continuation walks there were.
     */
    private static int check(TokenSequence s, ZetaParams p, int sites, long seed) {
        int d = s.d();
        int n = s.size();
        int k = p.k();
        long m = p.chunkSize();
        ShiftedCurves sc = new ShiftedCurves(d, p);
        int curves = sc.curves();
        long[] qCodes = new long[n * curves];
        long[] kCodes = new long[n * curves];
        sc.encodeSequence(s.q(), n, qCodes);
        sc.encodeSequence(s.k(), n, kCodes);
        long base = s.pos()[0] / m;
        Map<Long, long[]> expectedPos = new HashMap<>();
        Map<Long, double[]> expectedDist = new HashMap<>();
        LevelBatch.forEach(s, p, b -> {
            int nq = b.nq();
            int[] count = new int[nq];
            double[] dist = new double[nq * k];
            long[] pos = new long[nq * k];
            WindowBatch.run(b.run.codes, d, p.halfWindow(), k, b.run.pos, b.run.vec, 0, b.run.size(), nq, b.ins,
                    b.cutLo, b.cutHi, b.qVec, count, dist, pos);
            for (int i = 0; i < nq; i++) {
                long key = (long) b.queries[i] * curves + b.curve;
                expectedPos.put(key, Arrays.copyOfRange(pos, i * k, i * k + count[i]));
                expectedDist.put(key, Arrays.copyOfRange(dist, i * k, i * k + count[i]));
            }
        });
        Random rnd = new Random(seed);
        int checked = 0;
        int continued = 0;
        for (int c = 0; c < curves; c++) {
            // split points: (code, pos) of random keys, sorted; site = number of split points at or below
            long[][] splits = new long[sites - 1][];
            for (int t = 0; t < sites - 1; t++) {
                int i = rnd.nextInt(n);
                splits[t] = new long[] {kCodes[i * curves + c], s.pos()[i] + (t % 2)};
            }
            Arrays.sort(splits, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            List<List<Integer>> siteKeys = new ArrayList<>();
            for (int t = 0; t < sites; t++) {
                siteKeys.add(new ArrayList<>());
            }
            for (int i = 0; i < n; i++) {
                siteKeys.get(site(splits, kCodes[i * curves + c], s.pos()[i])).add(i);
            }
            SiteWindows[] w = new SiteWindows[sites];
            long[][] keyPosOf = new long[sites][];
            for (int t = 0; t < sites; t++) {
                List<Integer> ks = siteKeys.get(t);
                long[] kp = new long[ks.size()];
                float[] kv = new float[ks.size() * d];
                long[] kc = new long[ks.size()];
                for (int j = 0; j < ks.size(); j++) {
                    int i = ks.get(j);
                    kp[j] = s.pos()[i];
                    System.arraycopy(s.k(), i * d, kv, j * d, d);
                    kc[j] = kCodes[i * curves + c];
                }
                keyPosOf[t] = kp;
                w[t] = new SiteWindows(p, d, base, kp, kv, kc, SiteWindows.sortOrder(kc, kp.length), kp.length);
            }
            for (int t = 0; t < sites; t++) {
                List<Integer> qs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long spos = p.causal() ? s.pos()[i] / m * m : Long.MAX_VALUE;
                    if (site(splits, qCodes[i * curves + c], spos) == t) {
                        qs.add(i);
                    }
                }
                long[] qp = new long[qs.size()];
                long[] qc = new long[qs.size()];
                float[] qv = new float[qs.size() * d];
                for (int j = 0; j < qs.size(); j++) {
                    int i = qs.get(j);
                    qp[j] = s.pos()[i];
                    qc[j] = qCodes[i * curves + c];
                    System.arraycopy(s.q(), i * d, qv, j * d, d);
                }
                SiteWindows.Queries prepared = w[t].prepare(qp, qc, qs.size());
                TopK top = new TopK(k);
                int[] rest = new int[2];
                for (int r = 0; r < prepared.count; r++) {
                    int j = prepared.order[r];
                    w[t].select(prepared, j, qv, j * d, k, top, rest);
                    TopK merged = new TopK(k);
                    drainInto(top, keyPosOf[t], merged);
                    int level = w[t].levelOf(prepared, j);
                    for (int side = 0; side < 2; side++) {
                        int need = rest[side];
                        for (int u = side == 0 ? t - 1 : t + 1; need > 0 && u >= 0 && u < sites; u += side == 0 ? -1 : 1) {
                            top.reset(k);
                            need = w[u].continueWalk(level, side == 0, need, qp[j], qv, j * d, top);
                            drainInto(top, keyPosOf[u], merged);
                            continued++;
                        }
                    }
                    double[] dist = new double[k];
                    long[] pos = new long[k];
                    int cnt = merged.drainSorted(dist, pos, null, 0);
                    long key = (long) qs.get(j) * curves + c;
                    assertArrayEquals(expectedPos.get(key), Arrays.copyOf(pos, cnt), "query " + qp[j] + " curve " + c);
                    assertArrayEquals(expectedDist.get(key), Arrays.copyOf(dist, cnt), 0.0);
                    checked++;
                }
            }
        }
        assertEquals(expectedPos.size(), checked, "every query with a window answered once");
        return continued;
    }

    private static void drainInto(TopK top, long[] keyPos, TopK merged) {
        double[] dist = new double[top.size()];
        long[] idx = new long[top.size()];
        int c = top.drainSorted(dist, idx, null, 0);
        for (int j = 0; j < c; j++) {
            merged.offer(dist[j], keyPos[(int) idx[j]], 0);
        }
    }

    private static int site(long[][] splits, long code, long pos) {
        int t = 0;
        while (t < splits.length && (splits[t][0] < code || (splits[t][0] == code && splits[t][1] <= pos))) {
            t++;
        }
        return t;
    }
}
