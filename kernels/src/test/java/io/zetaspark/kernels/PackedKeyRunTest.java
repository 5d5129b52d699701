package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine's packed run walks the window rule step for step like {@link CurveWindow#collect} on
 * the (code, pos) run of the same keys: same kept candidates in the same order and the same rows
 * walked, on codes with long equal-code runs (a frequent word), gapped positions, exact distance
 * ties, and both the causal and the bidirectional cut.
 */
class PackedKeyRunTest {
    @Test
    void packedWalkEqualsTheWindowRuleOnPositions() {
        Random rnd = new Random(7);
        int d = 3;
        int curves = 2;
        int n = 3000;
        long[] pos = new long[n];
        long p = 1_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            p += 1 + rnd.nextInt(700); // gaps: several chunks of 256 hold no token
            pos[i] = p;
        }
        float[] k = new float[n * d];
        long[] kCodes = new long[n * curves];
        for (int i = 0; i < n; i++) {
            boolean word = rnd.nextInt(3) == 0; // a third of the keys are copies of one word
            for (int m = 0; m < d; m++) {
                k[i * d + m] = word ? 0.5f : rnd.nextInt(8) * 0.25f; // coarse grid: many exact distance ties
            }
            for (int c = 0; c < curves; c++) {
                kCodes[i * curves + c] = word ? 42 : rnd.nextInt(64);
            }
        }
        SortedKeyRun[] plain = SortedKeyRun.forLevel(kCodes, k, d, curves, n, pos);
        PackedKeyRun[] packed = PackedKeyRun.forLevel(kCodes, k, d, curves, n);
        long m = 256;
        int checked = 0;
        int jumped = 0;
        for (int t = 0; t < 400; t++) {
            int c = t % curves;
            int query = rnd.nextInt(n);
            boolean causal = t % 3 != 0;
            long cutLo = pos[query] / m * m;
            long cutHi = causal ? Long.MAX_VALUE : cutLo + m;
            int half = 1 + rnd.nextInt(120);
            float[] q = {rnd.nextInt(8) * 0.25f, 0.5f, rnd.nextInt(8) * 0.25f};
            long code = t % 5 == 0 ? 42 : rnd.nextInt(64);
            int ins = CurveWindow.insertionPoint(plain[c].codes, 0, n, code);
            assertEquals(ins, CurveWindow.insertionPoint(packed[c].codes, 0, n, code));
            assertEquals(plain[c].id[ins == n ? n - 1 : ins], packed[c].id(ins == n ? n - 1 : ins));

            TopK a = new TopK(32);
            int walkedA = CurveWindow.collect(plain[c].codes, plain[c].pos, plain[c].vec, plain[c].id, d, 0, n, ins,
                    cutLo, cutHi, half, q, 0, a, true);
            TopK b = new TopK(32);
            int low = NestedLevels.countBelow(pos, n, cutLo);
            int hi = NestedLevels.countBelow(pos, n, cutHi);
            // into an empty heap, the window's keys are distinct: with and without the duplicate check alike
            int walkedB = packed[c].collect(ins, low, hi, half, q, 0, b, t % 2 == 0);
            assertEquals(walkedA, walkedB, "rows walked, query " + query);

            double[] distA = new double[32];
            long[] posA = new long[32];
            int[] idA = new int[32];
            int countA = a.drainSorted(distA, posA, idA, 0);
            double[] distB = new double[32];
            long[] idxB = new long[32];
            int[] idB = new int[32];
            int countB = b.drainSorted(distB, idxB, idB, 0);
            assertEquals(countA, countB);
            long[] posB = new long[countB];
            for (int j = 0; j < countB; j++) {
                assertEquals(idB[j], (int) idxB[j], "the heap's position slot holds the token index");
                posB[j] = pos[idB[j]];
            }
            assertArrayEquals(java.util.Arrays.copyOf(posA, countA), posB, "kept positions, query " + query);
            assertArrayEquals(java.util.Arrays.copyOf(distA, countA), java.util.Arrays.copyOf(distB, countB));
            checked += countA;
            if (walkedA < 2 * half && countA == Math.min(32, 2 * half)) {
                jumped++;
            }
        }
        assertTrue(checked > 400 * 8, "the windows kept candidates: " + checked);
        assertTrue(jumped > 0, "some walks jumped over an equal-code stretch");
    }

    /**
     * The eligibility edges: walks that start in the code run of the keys just below and at each
     * cut (token indices lowIdx − 1, lowIdx, hiIdx − 1, hiIdx) on dense positions with many tokens
     * per chunk, with a heap large enough to keep every window candidate, so that one key judged
     * differently changes the kept set.
     */
    @Test
    void packedWalkJudgesTheKeysAtEveryCutLikeTheWindowRule() {
        Random rnd = new Random(9);
        int d = 3;
        int curves = 1;
        int n = 1500;
        long m = 16;
        long[] pos = new long[n];
        float[] k = new float[n * d];
        long[] kCodes = new long[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            for (int j = 0; j < d; j++) {
                k[i * d + j] = rnd.nextFloat();
            }
            kCodes[i] = rnd.nextInt(32); // equal-code runs of about 47 keys, in position order
        }
        SortedKeyRun plain = SortedKeyRun.forLevel(kCodes, k, d, curves, n, pos)[0];
        PackedKeyRun packed = PackedKeyRun.forLevel(kCodes, k, d, curves, n)[0];
        int compared = 0;
        for (int t = 0; t < 600; t++) {
            int query = 1 + rnd.nextInt(n - 2);
            boolean causal = t % 2 == 0;
            long cutLo = pos[query] / m * m;
            long cutHi = causal ? Long.MAX_VALUE : cutLo + m;
            int low = NestedLevels.countBelow(pos, n, cutLo);
            int hi = NestedLevels.countBelow(pos, n, cutHi);
            int[] edges = {low - 1, low, hi - 1, hi};
            int target = Math.max(0, Math.min(n - 1, edges[t % 4]));
            int half = 1 + rnd.nextInt(60);
            int ins = CurveWindow.insertionPoint(plain.codes, 0, n, kCodes[target]);
            float[] q = {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()};
            TopK a = new TopK(2 * half);
            int walkedA = CurveWindow.collect(plain.codes, plain.pos, plain.vec, plain.id, d, 0, n, ins, cutLo, cutHi,
                    half, q, 0, a, false);
            TopK b = new TopK(2 * half);
            int walkedB = packed.collect(ins, low, hi, half, q, 0, b, false);
            assertEquals(walkedA, walkedB, "rows walked, query " + query + ", edge " + t % 4);
            long[] posA = new long[2 * half];
            int countA = a.drainSorted(null, posA, null, 0);
            long[] idxB = new long[2 * half];
            int countB = b.drainSorted(null, idxB, null, 0);
            assertEquals(countA, countB, "candidates, query " + query + ", edge " + t % 4);
            for (int j = 0; j < countB; j++) {
                assertEquals(posA[j], pos[(int) idxB[j]], "candidate " + j + ", query " + query + ", edge " + t % 4);
            }
            compared += countA;
        }
        assertTrue(compared > 600 * 4, "candidates compared: " + compared);
    }
}
