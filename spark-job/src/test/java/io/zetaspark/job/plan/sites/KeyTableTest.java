package io.zetaspark.job.plan.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zetaspark.kernels.Distances;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The home's key table finds every key and gives {@link Distances#squared}'s bits, for every d. */
class KeyTableTest {
    @Test
    void findsEveryKeyAndComputesTheEnginesDistance() {
        Random r = new Random(5);
        for (int d = 1; d <= 8; d++) {
            int n = 3000;
            long[] pos = new long[n];
            float[] vec = new float[n * d];
            long p = 1_700_000_000_000L;
            for (int i = 0; i < n; i++) {
                p += 1 + r.nextInt(100);
                pos[i] = p;
            }
            for (int i = 0; i < vec.length; i++) {
                vec[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            KeyTable t = new KeyTable(pos, vec, d, n);
            float[] q = new float[d];
            for (int m = 0; m < d; m++) {
                q[m] = (float) r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                int slot = t.find(pos[i]);
                assertEquals(i, t.indexAt(slot));
                assertEquals(Double.doubleToRawLongBits(Distances.squared(q, 0, vec, i * d, d)),
                        Double.doubleToRawLongBits(t.distance(slot, q, 0)), "d=" + d + " key " + i);
            }
            assertEquals(-1, t.find(pos[0] - 1));
            assertEquals(-1, t.find(p + 1));
        }
    }
}
