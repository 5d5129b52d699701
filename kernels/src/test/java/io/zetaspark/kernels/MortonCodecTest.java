package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Morton codec: bit layout, round trip, fast paths, order and sign. */
class MortonCodecTest {
    private static final int RANDOM_CELLS = 20_000;

    /** The layout of docs/ALGORITHM.md written out bit by bit: bit t of dimension m at code bit t·d + (d−1−m). */
    private static long specCode(long[] cells, int d, int bits) {
        long code = 0;
        for (int m = 0; m < d; m++) {
            for (int t = 0; t < bits; t++) {
                if (((cells[m] >>> t) & 1L) != 0) {
                    code |= 1L << (t * d + (d - 1 - m));
                }
            }
        }
        return code;
    }

    /** The largest cell of a budget, 2^bits − 1 (Long.MAX_VALUE for 63 bits). */
    private static long maxCell(int bits) {
        return bits == 63 ? Long.MAX_VALUE : (1L << bits) - 1;
    }

    private static long[] randomCells(SplittableRandom rnd, int d, int bits) {
        long[] c = new long[d];
        for (int m = 0; m < d; m++) {
            switch (rnd.nextInt(8)) {
                case 0:
                    c[m] = maxCell(bits); // all ones
                    break;
                case 1:
                    c[m] = 0;
                    break;
                case 2:
                    c[m] = 1L << rnd.nextInt(bits); // one bit
                    break;
                default:
                    c[m] = rnd.nextLong() & maxCell(bits);
            }
        }
        return c;
    }

    private static int[] budgets(int d) {
        int max = MortonCodec.maxBits(d);
        return java.util.stream.IntStream.of(1, 2, max / 2, max - 1, max).filter(b -> b >= 1).distinct().toArray();
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void roundTripsAtEveryBudget(int d) {
        SplittableRandom rnd = new SplittableRandom(1000 + d);
        for (int bits : budgets(d)) {
            MortonCodec codec = new MortonCodec(d, bits);
            long[] back = new long[d];
            for (int r = 0; r < RANDOM_CELLS / 4; r++) {
                long[] cells = randomCells(rnd, d, bits);
                long code = codec.encode(cells, 0);
                assertEquals(specCode(cells, d, bits), code, "d=" + d + " bits=" + bits + " layout");
                codec.decode(code, back, 0);
                assertArrayEquals(cells, back, "d=" + d + " bits=" + bits + " round trip");
            }
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void allOnesAtTheTopBudgetIsTheLargestNonNegativeCode(int d) {
        int bits = MortonCodec.maxBits(d);
        MortonCodec codec = new MortonCodec(d, bits);
        long[] ones = new long[d];
        java.util.Arrays.fill(ones, maxCell(bits));
        long code = codec.encode(ones, 0);
        assertTrue(code >= 0, "code must be non-negative, got " + code);
        long expected = d * bits == 63 ? Long.MAX_VALUE : (1L << (d * bits)) - 1;
        assertEquals(expected, code);
        assertEquals(expected, codec.encodeGeneral(ones, 0));
    }

    @Test
    void d3TopBudgetAllOnesIsLongMaxValue() {
        MortonCodec codec = new MortonCodec(3, 21);
        long top = (1L << 21) - 1;
        assertEquals(Long.MAX_VALUE, codec.encode(new long[] {top, top, top}, 0));
    }

    @ParameterizedTest(name = "d={0} bits={1}")
    @CsvSource({"2,31", "2,30", "2,16", "2,5", "2,1", "3,21", "3,20", "3,11", "3,1", "4,15", "4,14", "4,8", "4,1"})
    void fastPathsEqualTheGeneralEncoding(int d, int bits) {
        MortonCodec codec = new MortonCodec(d, bits);
        SplittableRandom rnd = new SplittableRandom(31L * d + bits);
        int[] offsets = {0, 3};
        for (int r = 0; r < RANDOM_CELLS; r++) {
            int off = offsets[r & 1];
            long[] buf = new long[off + d];
            System.arraycopy(randomCells(rnd, d, bits), 0, buf, off, d);
            assertEquals(codec.encodeGeneral(buf, off), codec.encode(buf, off),
                    () -> "cells " + java.util.Arrays.toString(buf) + " off " + off);
        }
    }

    @ParameterizedTest(name = "d={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 8})
    void codeIncreasesWithEachCellOthersFixed(int d) {
        int bits = MortonCodec.maxBits(d);
        MortonCodec codec = new MortonCodec(d, bits);
        SplittableRandom rnd = new SplittableRandom(77 + d);
        long max = maxCell(bits);
        for (int r = 0; r < RANDOM_CELLS / 4; r++) {
            long[] cells = randomCells(rnd, d, bits);
            int m = rnd.nextInt(d);
            if (cells[m] == max) {
                cells[m]--;
            }
            long[] bigger = cells.clone();
            // uniform in (cells[m], max]; a step of one half the time, so adjacent cells are covered
            bigger[m] = rnd.nextBoolean() ? cells[m] + 1 : cells[m] + 1 + Math.floorMod(rnd.nextLong(), max - cells[m]);
            assertTrue(codec.encode(bigger, 0) > codec.encode(cells, 0),
                    "increasing dimension " + m + " from " + cells[m] + " to " + bigger[m] + " must increase the code");
        }
    }

    @Test
    void dimensionZeroIsMostSignificant() {
        MortonCodec codec = new MortonCodec(3, 21);
        // the top bit of dimension 0 outranks all bits of dimensions 1 and 2
        long top = 1L << 20;
        long rest = (1L << 20) - 1;
        assertTrue(codec.encode(new long[] {top, 0, 0}, 0) > codec.encode(new long[] {rest, top + rest, top + rest}, 0));
        assertEquals(1L << 62, codec.encode(new long[] {top, 0, 0}, 0));
        assertEquals(1L, codec.encode(new long[] {0, 0, 1}, 0));
    }

    @Test
    void rejectsInvalidDimensionsAndBits() {
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(9, 7));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(3, 0));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(3, 22));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(1, 64));
        assertThrows(IllegalArgumentException.class, () -> new MortonCodec(8, 8));
        for (int d = 1; d <= 8; d++) {
            assertEquals(63 / d, MortonCodec.maxBits(d));
            new MortonCodec(d, MortonCodec.maxBits(d)); // the top budget itself is accepted
        }
    }
}
