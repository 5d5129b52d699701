package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ZetaParams#withRangeCovering}: the range behind {@code --range auto}. */
class RangeCoveringTest {
    @Test
    void roundsOutwardToTwoSignificantDigitsOfTheSpan() {
        ZetaParams p = ZetaParams.defaults().withRangeCovering(new float[] {-3.14159f, 0.012f, 250f},
                new float[] {2.71828f, 0.0391f, 251.5f});
        assertArrayEquals(new double[] {-3.2, 0.012, 250.0}, p.rangeLoArray(), 1e-12);
        assertArrayEquals(new double[] {2.8, 0.04, 251.6}, p.rangeHiArray(), 1e-12);
    }

    @Test
    void noObservedValueClampsAndTheBoundsAreShortDecimals() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int d = 1 + rnd.nextInt(8);
            float[] lo = new float[d];
            float[] hi = new float[d];
            float[][] values = new float[d][64];
            for (int m = 0; m < d; m++) {
                double scale = Math.pow(10, rnd.nextInt(-4, 6));
                lo[m] = Float.POSITIVE_INFINITY;
                hi[m] = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < 64; i++) {
                    // exact edges now and then: a bound equal to a value must not clamp it
                    float x = i == 0 && trial % 3 == 0 ? (float) scale : (float) ((rnd.nextDouble() - 0.3) * scale);
                    values[m][i] = x;
                    lo[m] = Math.min(lo[m], x);
                    hi[m] = Math.max(hi[m], x);
                }
            }
            ZetaParams p = ZetaParams.defaults().withRangeCovering(lo, hi);
            ShiftedCurves sc = new ShiftedCurves(d, p);
            for (int m = 0; m < d; m++) {
                for (float x : values[m]) {
                    assertFalse(sc.clamps(m, x), "trial " + trial + " dim " + m + ": " + x + " clamps in ["
                            + p.rangeLo(m) + ", " + p.rangeHi(m) + "]");
                }
                assertTrue(Double.toString(p.rangeLo(m)).length() <= 24, "short decimal: " + p.rangeLo(m));
                // pinning the printed bounds gives the same parameters
                assertEquals(p.rangeLo(m), Double.parseDouble(Double.toString(p.rangeLo(m))));
            }
        }
    }

    @Test
    void aConstantDimensionGetsAWidthAndBadStatisticsAreRejected() {
        ZetaParams p = ZetaParams.defaults().withRangeCovering(new float[] {5f}, new float[] {5f});
        assertTrue(p.rangeLo(0) <= 5 && p.rangeHi(0) > 5, p.rangeLo(0) + " .. " + p.rangeHi(0));
        assertThrows(IllegalArgumentException.class,
                () -> ZetaParams.defaults().withRangeCovering(new float[] {1f}, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> ZetaParams.defaults().withRangeCovering(new float[0], new float[0]));
    }
}
