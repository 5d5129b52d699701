package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Property 5: an eligible key of the query's own chunk is never missed when it belongs in T(p),
 * however small the curve window is (W = 2, one curve).
 */
class OwnChunkTest {
    private static final ZetaParams TINY = ZetaParams.defaults().withChunkSize(16).withWindow(2).withCurves(1).withK(8);

    /**
     * 200 earlier tokens whose keys are far away (around +10) and a last chunk of 16 tokens whose
     * keys sit near the origin, like their queries: the own-chunk keys are the true nearest.
     */
    private static TokenSequence farPastNearOwnChunk(boolean identicalOwnKeys) {
        int n = 208 + 16;
        SplittableRandom rnd = new SplittableRandom(8);
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        long[] pos = new long[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            boolean own = i >= 208;
            q[i] = Fixtures.gaussian(rnd, 3, own ? 0.1 : 1);
            float[] noise = Fixtures.gaussian(rnd, 3, own ? 0.1 : 1);
            k[i] = new float[3];
            for (int m = 0; m < 3; m++) {
                k[i][m] = own ? (identicalOwnKeys ? 0.25f : noise[m]) : 10 + noise[m];
            }
            v[i] = Fixtures.gaussian(rnd, 2, 1);
        }
        return Fixtures.rows(pos, q, k, v);
    }

    @Test
    void ownChunkKeysThatAreNearestAreSelectedWithATinyWindow() {
        TokenSequence s = farPastNearOwnChunk(false);
        Selection sel = new ZetaAttention(TINY).select(s);
        Selection exact = ExactOracle.select(s, TINY);
        for (int i = 208; i < s.size(); i++) {
            Set<Long> selected = toSet(sel.positionsOf(i));
            Set<Long> truth = toSet(exact.positionsOf(i));
            int ownInTruth = 0;
            for (long j = 208; j <= i; j++) {
                if (truth.contains(j)) {
                    ownInTruth++;
                    assertTrue(selected.contains(j), "own-chunk key " + j + " missing from S(" + i + ") = " + selected);
                }
            }
            // fixture check: the own-chunk keys are the nearest, so T(p) holds min(k, i − 207) of them
            assertEquals(Math.min(8, i - 207), ownInTruth, "T(" + i + ")");
            if (i - 207 >= 8) {
                Fixtures.assertSameSelection(sel, i, exact, i, "query " + i);
            }
        }
    }

    @Test
    void identicalOwnChunkKeysWinTiesAgainstIdenticalEarlierKeys() {
        // every key identical: all distances tie, so T(p) is the k most recent eligible keys
        int n = 300;
        long[] pos = new long[n];
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            pos[i] = 3L * i;
            q[i] = new float[] {1, 2, 3};
            k[i] = new float[] {1, 2, 3};
            v[i] = new float[] {i};
        }
        TokenSequence s = Fixtures.rows(pos, q, k, v);
        ZetaParams p = TINY.withK(5);
        Selection tiny = new ZetaAttention(p).select(s);
        Selection exact = ExactOracle.select(s, p);
        for (int i = 0; i < n; i++) {
            // W = 2: the own-chunk keys (the most recent) come first, whatever the window finds
            long[] got = tiny.positionsOf(i);
            long chunkStart = pos[i] / 16 * 16;
            int own = 0;
            for (int j = i; j >= 0 && pos[j] >= chunkStart && own < 5; j--) {
                assertEquals(pos[j], got[own], "query pos " + pos[i] + ": S = " + java.util.Arrays.toString(got));
                own++;
            }
            for (double dist : tiny.distancesOf(i)) {
                assertEquals(0.0, dist);
            }
        }
        // with W/2 = k the window before the insertion point holds the k most recent earlier keys: S = T
        Selection wide = new ZetaAttention(p.withWindow(10)).select(s);
        for (int i = 0; i < n; i++) {
            long[] expected = new long[Math.min(5, i + 1)];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = pos[i - j];
            }
            assertArrayEquals(expected, exact.positionsOf(i), "oracle, query pos " + pos[i]);
            assertArrayEquals(expected, wide.positionsOf(i), "W=10, query pos " + pos[i]);
        }
    }

    @Test
    void identicalOwnChunkKeysAreAllSelected() {
        TokenSequence s = farPastNearOwnChunk(true);
        ZetaParams p = TINY.withK(16);
        Selection sel = new ZetaAttention(p).select(s);
        for (int i = 208; i < s.size(); i++) {
            Set<Long> selected = toSet(sel.positionsOf(i));
            for (long j = 208; j <= i; j++) {
                assertTrue(selected.contains(j), "own-chunk key " + j + " (identical to its chunk mates) missing from S("
                        + i + ") = " + selected);
            }
        }
    }

    @Test
    void bidirectionalQuerySelectsALaterOwnChunkKey() {
        TokenSequence s = farPastNearOwnChunk(false);
        // put the nearest key of query 210 later in its own chunk
        int d = 3;
        System.arraycopy(s.q(), 210 * d, s.k(), 220 * d, d);
        ZetaParams p = TINY.withCausal(false).withK(1);
        Selection sel = new ZetaAttention(p).select(s);
        assertArrayEquals(new long[] {220}, sel.positionsOf(210));
        assertEquals(0.0, sel.distancesOf(210)[0]);
        // without self, a query never selects itself even in its own chunk
        TokenSequence t = farPastNearOwnChunk(false);
        System.arraycopy(t.q(), 210 * d, t.k(), 210 * d, d);
        Selection noSelf = new ZetaAttention(p.withIncludeSelf(false)).select(t);
        assertTrue(noSelf.positionsOf(210)[0] != 210);
        Selection withSelf = new ZetaAttention(p).select(t);
        assertArrayEquals(new long[] {210}, withSelf.positionsOf(210));
    }

    @ParameterizedTest(name = "{0} M={1} causal={2} self={3}")
    @CsvSource({"GAUSSIAN,16,true,true", "GAUSSIAN,64,true,false", "TIES,16,true,true", "TIES,32,true,false",
            "CLUSTERED,64,true,true", "GAUSSIAN,32,false,true", "TIES,16,false,false"})
    void everyOwnChunkKeyOfTheExactTopKIsSelected(TokenGenerator.Kind kind, int m, boolean causal, boolean self) {
        int n = 2000;
        TokenSequence s = Fixtures.generate(kind, 21, 3, 2, n, 1);
        ZetaParams p = ZetaParams.defaults().withChunkSize(m).withWindow(2).withCurves(1).withK(16)
                .withCausal(causal).withIncludeSelf(self);
        Selection sel = new ZetaAttention(p).select(s);
        Selection exact = ExactOracle.select(s, p);
        long ownInTopK = 0;
        long missedElsewhere = 0;
        for (int i = 0; i < n; i++) {
            long chunk = s.pos()[i] / m;
            Set<Long> selected = toSet(sel.positionsOf(i));
            for (long j : exact.positionsOf(i)) {
                if (j / m == chunk) {
                    ownInTopK++;
                    assertTrue(selected.contains(j), "own-chunk key " + j + " of T(" + s.pos()[i] + ") missing from S = "
                            + selected);
                } else if (!selected.contains(j)) {
                    missedElsewhere++;
                }
            }
        }
        assertTrue(ownInTopK >= 200, "the fixture must put own-chunk keys into T(p): " + ownInTopK);
        System.out.println("own chunk " + kind + " M=" + m + " causal=" + causal + " self=" + self + ": " + ownInTopK
                + " own-chunk members of T(p) all selected; earlier-chunk members missed with W=2: " + missedElsewhere);
    }

    private static Set<Long> toSet(long[] a) {
        Set<Long> s = new HashSet<>();
        for (long x : a) {
            s.add(x);
        }
        return s;
    }
}
