package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Small shared helpers of the kernel tests: fixtures, deep copies and exact comparisons. */
final class Fixtures {
    private Fixtures() {
    }

    static TokenSequence generate(TokenGenerator.Kind kind, long seed, int d, int dv, int n, long stride) {
        return new TokenGenerator(kind, seed, d, dv).sequence(0, n, stride);
    }

    /** A deep copy (TokenSequence.of keeps the caller's arrays when they are already sorted). */
    static TokenSequence copy(TokenSequence s) {
        return TokenSequence.of(s.pos().clone(), s.q().clone(), s.k().clone(), s.v().clone(), s.d(), s.dv());
    }

    /** A sequence from row vectors: q[i], k[i], v[i] belong to pos[i]. */
    static TokenSequence rows(long[] pos, float[][] q, float[][] k, float[][] v) {
        int n = pos.length;
        int d = q[0].length;
        int dv = v[0].length;
        float[] qf = new float[n * d];
        float[] kf = new float[n * d];
        float[] vf = new float[n * dv];
        for (int i = 0; i < n; i++) {
            System.arraycopy(q[i], 0, qf, i * d, d);
            System.arraycopy(k[i], 0, kf, i * d, d);
            System.arraycopy(v[i], 0, vf, i * dv, dv);
        }
        return TokenSequence.of(pos.clone(), qf, kf, vf, d, dv);
    }

    /** Gaussian values with the given seed. */
    static float[] gaussian(SplittableRandom rnd, int len, double scale) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (scale * nextGaussian(rnd));
        }
        return a;
    }

    static double nextGaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A window that covers the whole sequence: W/2 ≥ n keys on each side. */
    static int coveringWindow(int n) {
        return 2 * Math.max(1, n);
    }

    /** Distinct sorted sample of query indices in [0, n). */
    static int[] sample(long seed, int count, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] q = rnd.ints(count * 2L, 0, n).distinct().limit(count).toArray();
        Arrays.sort(q);
        return q;
    }

    /** Selection of query ia in a equals selection of query ib in b: same positions and same distance bits. */
    static void assertSameSelection(Selection a, int ia, Selection b, int ib, String what) {
        long[] pa = a.positionsOf(ia);
        long[] pb = b.positionsOf(ib);
        if (!Arrays.equals(pa, pb)) {
            fail(what + ": selected positions differ\n  got      " + Arrays.toString(pa) + "\n  expected "
                    + Arrays.toString(pb) + "\n  distances got " + Arrays.toString(a.distancesOf(ia))
                    + "\n  expected      " + Arrays.toString(b.distancesOf(ib)));
        }
        double[] da = a.distancesOf(ia);
        double[] db = b.distancesOf(ib);
        for (int j = 0; j < da.length; j++) {
            assertEquals(Double.doubleToRawLongBits(db[j]), Double.doubleToRawLongBits(da[j]),
                    what + ": distance bits of neighbour " + j);
        }
    }

    /** Every field of query ia of a is bitwise identical to query ib of b. */
    static void assertSameBits(AttentionResult a, int ia, AttentionResult b, int ib, String what) {
        assertEquals(b.pos[ib], a.pos[ia], what + ": position");
        assertSameSelection(a.selection, ia, b.selection, ib, what);
        assertArrayEquals(floatBits(b.outOf(ib)), floatBits(a.outOf(ia)), what + ": out bits");
        assertArrayEquals(floatBits(b.weightsOf(ib)), floatBits(a.weightsOf(ia)), what + ": nbr_w bits");
        assertEquals(Double.doubleToRawLongBits(b.nnDist[ib]), Double.doubleToRawLongBits(a.nnDist[ia]),
                what + ": nn_dist bits");
    }

    static int[] floatBits(float[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Float.floatToRawIntBits(a[i]);
        }
        return r;
    }

    /** Relative L2 distance of two output vectors (absolute when the reference is zero). */
    static double relativeError(float[] got, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < got.length; i++) {
            double diff = (double) got[i] - ref[i];
            num += diff * diff;
            den += (double) ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
