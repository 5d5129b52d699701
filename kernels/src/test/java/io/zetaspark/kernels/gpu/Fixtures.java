package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;

/** Seeded sequences and comparisons of engine results. */
final class Fixtures {
    private Fixtures() {
    }

    static TokenSequence sequence(TokenGenerator.Kind kind, int n, long stride, long seed, int d, int dv) {
        return new TokenGenerator(kind, seed, d, dv).sequence(0, n, stride);
    }

    /** Asserts two selections equal entry by entry (counts, positions, distances, token indices). */
    static void assertSameSelection(AttentionResult expected, AttentionResult actual, String what) {
        assertArrayEquals(expected.selection.count, actual.selection.count, what + ": counts");
        assertArrayEquals(expected.selection.pos, actual.selection.pos, what + ": selected positions");
        assertArrayEquals(expected.selection.dist, actual.selection.dist, what + ": selected distances");
        assertArrayEquals(expected.selection.idx, actual.selection.idx, what + ": selected token indices");
        assertEquals(expected.selection.rowsWalked, actual.selection.rowsWalked, what + ": rows walked");
        assertEquals(expected.selection.clampedComponents, actual.selection.clampedComponents, what + ": clamped");
    }

    /**
     * Asserts {@code out} within {@code tol} relative L2 error per token and returns how many of the
     * floats are bit-identical.
     */
    static long assertOutClose(AttentionResult expected, AttentionResult actual, double tol, String what) {
        int dv = expected.dv;
        long identical = 0;
        for (int i = 0; i < expected.size(); i++) {
            double num = 0;
            double den = 0;
            for (int t = 0; t < dv; t++) {
                float e = expected.out[i * dv + t];
                float a = actual.out[i * dv + t];
                if (Float.floatToIntBits(e) == Float.floatToIntBits(a)) {
                    identical++;
                }
                num += ((double) a - e) * ((double) a - e);
                den += (double) e * e;
            }
            double rel = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
            final int token = i;
            assertTrue(rel <= tol, () -> what + ": token " + token + " out relative error " + rel + " > " + tol);
        }
        return identical;
    }
}
