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

    @Test
    void pairsCarryTheirIndicesStablyAtAnOffset() {
        SplittableRandom rnd = new SplittableRandom(65);
        for (int trial = 0; trial < 200; trial++) {
            int n = trial < 50 ? rnd.nextInt(64) : 64 + rnd.nextInt(3000);
            int off = rnd.nextInt(5);
            long[] keys = new long[n];
            int[] idx = new int[off + n + 3];
            int[] before = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = rnd.nextInt(); // the payload is arbitrary: only its order is checked
                before[i] = idx[i];
            }
            for (int i = 0; i < n; i++) {
                // one varying byte (the result sits in the scratch after an odd number of passes), ties,
                // or any sign over all eight bytes
                keys[i] = trial % 3 == 0 ? rnd.nextInt(7) : trial % 3 == 1 ? rnd.nextLong() : rnd.nextLong() >> 40;
            }
            int[] ref = reference(keys);
            long[] sortedKeys = keys.clone();
            LongIndexSort.sortPairs(sortedKeys, idx, off, n, new long[n], new int[off + n]);
            for (int r = 0; r < n; r++) {
                org.junit.jupiter.api.Assertions.assertEquals(keys[ref[r]], sortedKeys[r], "trial " + trial + " key " + r);
                org.junit.jupiter.api.Assertions.assertEquals(before[off + ref[r]], idx[off + r],
                        "trial " + trial + " index " + r);
            }
            for (int i = 0; i < idx.length; i++) {
                if (i < off || i >= off + n) {
                    org.junit.jupiter.api.Assertions.assertEquals(before[i], idx[i], "slot " + i + " outside the range");
                }
            }
        }
    }
}
