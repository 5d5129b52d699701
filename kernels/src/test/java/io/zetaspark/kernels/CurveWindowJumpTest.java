package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The walk jumps over ineligible stretches of equal-code runs (a frequent word's later copies)
 * and still takes exactly the candidates of the row-by-row walk.
 */
class CurveWindowJumpTest {
    /** Keys: code 5 at positions 0..999 (one repeated word), then code 9 at positions 1000..1999. */
    private static final int N = 2000;
    private static final long[] CODES = new long[N];
    private static final long[] POS = new long[N];
    private static final float[] VEC = new float[N];

    static {
        for (int i = 0; i < N; i++) {
            CODES[i] = i < 1000 ? 5 : 9;
            POS[i] = i; // sorted by (code, pos)
            VEC[i] = i < 1000 ? 1.0f : 2.0f;
        }
    }

    private static long[] run(long[] codes, int ins, long cutLo, long cutHi, int half, int[] walked) {
        TopK top = new TopK(2 * half);
        walked[0] = CurveWindow.collect(codes, POS, VEC, null, 1, 0, N, ins, cutLo, cutHi, half,
                new float[] {1.0f}, 0, top, false);
        long[] pos = new long[top.size()];
        top.drainSorted(null, pos, null, 0);
        return pos;
    }

    @Test
    void causalQueryJumpsOverLaterCopiesOfItsWord() {
        // a query with code 5 at chunk start 100: copies 100..999 of its word are ineligible
        int[] jump = new int[1];
        int[] step = new int[1];
        long[] withCodes = run(CODES, 1000, 100, Long.MAX_VALUE, 4, jump);
        long[] without = run(null, 1000, 100, Long.MAX_VALUE, 4, step);
        assertArrayEquals(without, withCodes);
        // equal distances: the larger position first; the code-9 keys (positions >= 1000) are later
        assertArrayEquals(new long[] {99, 98, 97, 96}, withCodes);
        assertEquals(1 + 4 + 1, jump[0], "one jump back over 100..999, four takes, one jump over the code-9 run");
        assertEquals(900 + 4 + 1000, step[0], "row-by-row walk");
    }

    @Test
    void bidirectionalQueryJumpsOverItsOwnChunkInsideARun() {
        // own chunk [300, 400) inside the code-5 run; query inserted after the run
        int[] jump = new int[1];
        int[] step = new int[1];
        long[] withCodes = run(CODES, 1000, 300, 400, 700, jump);
        long[] without = run(null, 1000, 300, 400, 700, step);
        assertArrayEquals(without, withCodes);
        assertEquals(step[0] - 99, jump[0], "the 100 own-chunk rows 300..399 cost one row with the jump");
    }
}
