package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stable radix sort behind the (code, pos) order and the sorting of unsorted input. */
class LongIndexSortTest {

    private static int[] reference(long[] keys) {
        Integer[] idx = new Integer[keys.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingLong(i -> keys[i])); // stable: ties keep index order
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void stableSignedOrderOnBothPaths() {
        SplittableRandom rnd = new SplittableRandom(64);
        for (int trial = 0; trial < 300; trial++) {
            int n = trial < 100 ? rnd.nextInt(64) : 64 + rnd.nextInt(3000); // insertion sort, then radix
            long[] keys = new long[n];
            int flavour = trial % 4;
            for (int i = 0; i < n; i++) {
                switch (flavour) {
                    case 0:
                        keys[i] = rnd.nextLong(); // any sign
                        break;
                    case 1:
                        keys[i] = rnd.nextInt(5); // heavy ties: stability matters
                        break;
                    case 2:
                        keys[i] = (rnd.nextLong() & Long.MAX_VALUE) >>> rnd.nextInt(63); // Morton-like, non-negative
                        break;
                    default:
                        keys[i] = rnd.nextBoolean() ? Long.MIN_VALUE + rnd.nextInt(3) : Long.MAX_VALUE - rnd.nextInt(3);
                }
            }
            assertArrayEquals(reference(keys), LongIndexSort.sortedOrder(keys), "trial " + trial + " n=" + n);
        }
    }

    @Test
    void sortsASubrangeOnly() {
        long[] keys = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        int[] idx = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        LongIndexSort.sortIndices(keys, idx, 2, 7, new int[10]);
        assertArrayEquals(new int[] {0, 1, 6, 5, 4, 3, 2, 7, 8, 9}, idx);
        long[] big = new long[200];
        int[] bigIdx = new int[200];
        for (int i = 0; i < 200; i++) {
            big[i] = 1000 - i;
            bigIdx[i] = i;
        }
        LongIndexSort.sortIndices(big, bigIdx, 50, 150, new int[200]);
        for (int i = 0; i < 200; i++) {
            int expected = i < 50 || i >= 150 ? i : 199 - i;
            org.junit.jupiter.api.Assertions.assertEquals(expected, bigIdx[i], "slot " + i);
        }
    }
}
