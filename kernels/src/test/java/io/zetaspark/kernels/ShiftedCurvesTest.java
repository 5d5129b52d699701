package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixed quantiser and the seeded shifted curves. */
class ShiftedCurvesTest {

    @Test
    void cellClampsBelowAndAboveTheRangeAndReportsIt() {
        ShiftedCurves sc = new ShiftedCurves(3, ZetaParams.defaults()); // [-16, 16], b = 21
        long top = (1L << 20) - 1;
        assertEquals(0, sc.cell(0, -16.5f));
        assertTrue(sc.clamps(0, -16.5f));
        assertEquals(0, sc.cell(1, -1e30f));
        assertTrue(sc.clamps(1, -1e30f));
        assertEquals(top, sc.cell(2, 17f));
        assertTrue(sc.clamps(2, 17f));
        assertEquals(top, sc.cell(0, 3e38f));
        assertTrue(sc.clamps(0, 3e38f));
        // the bounds: lo is the first cell and not clamped; hi maps to 2^(b-1), clamped to the top cell
        assertEquals(0, sc.cell(0, -16f));
        assertFalse(sc.clamps(0, -16f));
        assertEquals(top, sc.cell(0, 16f));
        assertEquals(top, sc.cell(0, Math.nextDown(16f)));
        assertFalse(sc.clamps(0, Math.nextDown(16f)));
        assertFalse(sc.clamps(0, 0f));
    }

    @Test
    void cellIsFloorOfTheScaledValueInsideTheRange() {
        ZetaParams p = ZetaParams.defaults().withRange(new double[] {-2, 0, 10}, new double[] {2, 1, 11});
        ShiftedCurves sc = new ShiftedCurves(3, p);
        double half = Math.scalb(1.0, 20);
        SplittableRandom rnd = new SplittableRandom(5);
        double[] lo = {-2, 0, 10};
        double[] width = {4, 1, 1};
        for (int r = 0; r < 10_000; r++) {
            int m = rnd.nextInt(3);
            float x = (float) (lo[m] + rnd.nextDouble() * width[m]);
            double v = ((double) x - lo[m]) * (half / width[m]);
            long expected = Math.min((long) Math.floor(v), (1L << 20) - 1);
            assertEquals(expected, sc.cell(m, x), "x=" + x + " m=" + m);
            assertEquals(v >= half, sc.clamps(m, x));
        }
        assertEquals(0, sc.cell(1, -0.001f));
        assertEquals(0, sc.cell(2, 0f)); // far below [10, 11]
        assertTrue(sc.clamps(2, 0f));
    }

    @Test
    void encodeAllCountsClampedComponents() {
        ShiftedCurves sc = new ShiftedCurves(4, ZetaParams.defaults().withCurves(3));
        long[] codes = new long[3];
        long[] scratch = new long[4];
        assertEquals(0, sc.encodeAll(new float[] {0, 1, -15.9f, 15.9f}, 0, codes, 0, scratch));
        assertEquals(2, sc.encodeAll(new float[] {-20, 1, 100, 15.9f}, 0, codes, 0, scratch));
        assertEquals(4, sc.encodeAll(new float[] {9, 9, -40, -40, 99, -99, 16, -17}, 4, codes, 0, scratch));
    }

    @Test
    void encodeAllAgreesWithCodePerCurve() {
        ZetaParams p = ZetaParams.defaults().withCurves(5);
        ShiftedCurves sc = new ShiftedCurves(3, p);
        SplittableRandom rnd = new SplittableRandom(9);
        long[] codes = new long[2 + 5];
        long[] scratch = new long[3];
        for (int r = 0; r < 2000; r++) {
            float[] vec = Fixtures.gaussian(rnd, 4, 10); // offset 1 inside the array
            sc.encodeAll(vec, 1, codes, 2, scratch);
            for (int c = 0; c < 5; c++) {
                assertEquals(sc.code(c, vec, 1), codes[2 + c]);
            }
        }
    }

    @Test
    void identicalVectorsGetIdenticalCodesOnEveryCurveAcrossInstances() {
        // queries and keys share one quantiser: a key equal to a query has the query's code
        ZetaParams p = ZetaParams.defaults();
        ShiftedCurves a = new ShiftedCurves(3, p);
        ShiftedCurves b = new ShiftedCurves(3, ZetaParams.defaults());
        float[] q = {1.25f, -3.5f, 7.75f};
        float[] k = q.clone();
        for (int c = 0; c < p.curves(); c++) {
            assertEquals(a.code(c, q, 0), a.code(c, k, 0));
            assertEquals(a.code(c, q, 0), b.code(c, k, 0));
        }
        // and a different vector gets a different code on curve 0 (the test can fail)
        assertNotEquals(a.code(0, q, 0), a.code(0, new float[] {1.25f, -3.5f, 7.76f}, 0));
    }

    @Test
    void curveZeroIsUnshifted() {
        ShiftedCurves sc = new ShiftedCurves(3, ZetaParams.defaults());
        for (int m = 0; m < 3; m++) {
            assertEquals(0, sc.shift(0, m));
        }
        float[] vec = {0.5f, -2f, 9f};
        long[] cells = {sc.cell(0, vec[0]), sc.cell(1, vec[1]), sc.cell(2, vec[2])};
        assertEquals(sc.codec().encodeGeneral(cells, 0), sc.code(0, vec, 0));
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 3, 4, 8})
    void shiftsAreSeedDerivedReproducibleAndBelowHalfTheGrid(int d) {
        ZetaParams p = ZetaParams.defaults().withCurves(8);
        ShiftedCurves a = new ShiftedCurves(d, p);
        ShiftedCurves b = new ShiftedCurves(d, p.withK(7)); // another instance, same seed
        ShiftedCurves other = new ShiftedCurves(d, p.withSeed(43));
        int bits = a.bits();
        long half = 1L << (bits - 1);
        for (int c = 1; c < 8; c++) {
            long[] mine = new long[d];
            long[] others = new long[d];
            for (int m = 0; m < d; m++) {
                long s = a.shift(c, m);
                assertEquals(s, b.shift(c, m), "same seed, same shift");
                assertEquals(ShiftedCurves.shiftFor(42, c, m, bits), s);
                assertTrue(s >= 0 && s < half, "shift " + s + " must be in [0, 2^(b-1))");
                mine[m] = s;
                others[m] = other.shift(c, m);
            }
            assertFalse(java.util.Arrays.equals(mine, new long[d]), "curve " + c + " must be shifted");
            assertFalse(java.util.Arrays.equals(mine, others), "seed 43 must shift curve " + c + " otherwise");
        }
    }

    @Test
    void curvesOfOneInstanceDifferFromEachOther() {
        ShiftedCurves sc = new ShiftedCurves(3, ZetaParams.defaults().withCurves(6));
        for (int c1 = 0; c1 < 6; c1++) {
            for (int c2 = c1 + 1; c2 < 6; c2++) {
                long[] s1 = {sc.shift(c1, 0), sc.shift(c1, 1), sc.shift(c1, 2)};
                long[] s2 = {sc.shift(c2, 0), sc.shift(c2, 1), sc.shift(c2, 2)};
                assertFalse(java.util.Arrays.equals(s1, s2), "curves " + c1 + " and " + c2 + " coincide");
            }
        }
    }

    @Test
    void splitMix64MatchesTheReferenceGenerator() {
        // SplitMix64 seeded with 0: the first output is the finaliser of 0x9E3779B97F4A7C15
        assertEquals(0xE220A8397B1DCDAFL, ShiftedCurves.splitMix64(0x9E3779B97F4A7C15L));
        assertEquals(0x6E789E6AA1B965F4L, ShiftedCurves.splitMix64(2 * 0x9E3779B97F4A7C15L));
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 8})
    void shiftedCellsStayOnTheGrid(int d) {
        ZetaParams p = ZetaParams.defaults().withCurves(16);
        ShiftedCurves sc = new ShiftedCurves(d, p);
        MortonCodec codec = sc.codec();
        long limit = sc.bits() == 63 ? Long.MAX_VALUE : 1L << sc.bits();
        float[][] extremes = {new float[d], new float[d], new float[d]};
        java.util.Arrays.fill(extremes[0], 1e9f); // clamps to the top cell
        java.util.Arrays.fill(extremes[1], -1e9f);
        java.util.Arrays.fill(extremes[2], Math.nextDown(16f));
        long[] back = new long[d];
        for (float[] vec : extremes) {
            for (int c = 0; c < 16; c++) {
                long code = sc.code(c, vec, 0);
                assertTrue(code >= 0, "code must be non-negative");
                codec.decode(code, back, 0);
                for (int m = 0; m < d; m++) {
                    assertEquals(sc.cell(m, vec[m]) + sc.shift(c, m), back[m], "curve " + c + " dim " + m);
                    assertTrue(back[m] < limit, "shifted cell " + back[m] + " must stay below 2^b");
                }
            }
        }
    }

    @Test
    void codesDependOnlyOnTheVectorNotOnOtherTokens() {
        // prefix stability of the codes: the quantiser has no data-dependent state
        ZetaParams p = ZetaParams.defaults();
        ShiftedCurves sc = new ShiftedCurves(3, p);
        float[] vec = {2.5f, -1f, 0.125f};
        long[] before = new long[4];
        long[] scratch = new long[3];
        sc.encodeAll(vec, 0, before, 0, scratch);
        sc.encodeAll(new float[] {1000f, -1000f, 99f}, 0, new long[4], 0, scratch); // an outlier
        long[] after = new long[4];
        sc.encodeAll(vec, 0, after, 0, scratch);
        assertArrayEquals(before, after);
    }
}
