package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The d = 3 distance with the query widened once is the general one bit for bit, on finite components
 * of every magnitude and sign (overflow to infinity included) (the engine's selection depends on exact distance ties).
 */
class DistancesTest {
    @Test
    void theUnrolledThreeDimensionalDistanceHasTheSameBits() {
        Random rnd = new Random(11);
        float[] q = new float[3];
        float[] k = new float[3 * 64];
        int compared = 0;
        for (int t = 0; t < 20_000; t++) {
            for (int m = 0; m < 3; m++) {
                q[m] = component(rnd);
            }
            int j = rnd.nextInt(64);
            for (int m = 0; m < 3; m++) {
                k[j * 3 + m] = t % 7 == 0 ? q[m] : component(rnd); // some exact zeros and ties
            }
            double general = Distances.squared(q, 0, k, j * 3, 3);
            double unrolled = Distances.squared3(q[0], q[1], q[2], k, j * 3);
            assertEquals(Double.doubleToRawLongBits(general), Double.doubleToRawLongBits(unrolled),
                    "q=" + java.util.Arrays.toString(q) + " key " + j);
            compared++;
        }
        assertEquals(20_000, compared);
    }

    private static float component(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0:
                return (float) rnd.nextGaussian();
            case 1:
                return (float) (rnd.nextGaussian() * 1e30);
            case 2:
                return rnd.nextInt(8) * 0.25f - 1f;
            default:
                // any finite float (the engine rejects NaN and infinite components before it selects)
                float f;
                do {
                    f = Float.intBitsToFloat(rnd.nextInt());
                } while (!Float.isFinite(f));
                return f;
        }
    }
}
