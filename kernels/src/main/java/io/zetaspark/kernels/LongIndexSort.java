package io.zetaspark.kernels;

/**
 * Stable LSD radix sort of indices by a non-negative-or-any long key, without boxing. Stability is
 * what turns "sort by code" of indices already in position order into the (code, pos) order the
 * window rule needs. Byte passes whose byte is constant across all keys are skipped.
 */
public final class LongIndexSort {
    private LongIndexSort() {
    }

    /** Indices 0..n-1 ordered by key ascending (signed comparison), ties in index order. */
    public static int[] sortedOrder(long[] keys) {
        int n = keys.length;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        sortIndices(keys, idx, 0, n, new int[n]);
        return idx;
    }

    /**
     * Stable sort of {@code idx[from, to)} by {@code keys[idx[i]]} (signed order). {@code tmp} must
     * be at least as long as idx.
     */
    public static void sortIndices(long[] keys, int[] idx, int from, int to, int[] tmp) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        if (n < 64) {
            insertion(keys, idx, from, to);
            return;
        }
        long or = 0;
        long and = -1L;
        for (int i = from; i < to; i++) {
            long kx = keys[idx[i]] ^ Long.MIN_VALUE; // flip sign bit: signed order = unsigned order
            or |= kx;
            and &= kx;
        }
        long varying = or ^ and;
        int[] src = idx;
        int[] dst = tmp;
        int srcOff = from;
        int dstOff = from;
        int[] count = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            if (((varying >>> shift) & 0xFF) == 0) {
                continue;
            }
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                int b = (int) (((keys[src[srcOff + i]] ^ Long.MIN_VALUE) >>> shift) & 0xFF);
                count[b + 1]++;
            }
            for (int b = 0; b < 256; b++) {
                count[b + 1] += count[b];
            }
            for (int i = 0; i < n; i++) {
                int id = src[srcOff + i];
                int b = (int) (((keys[id] ^ Long.MIN_VALUE) >>> shift) & 0xFF);
                dst[dstOff + count[b]++] = id;
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, from, idx, from, n);
        }
    }

    private static void insertion(long[] keys, int[] idx, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int id = idx[i];
            long key = keys[id];
            int j = i - 1;
            while (j >= from && keys[idx[j]] > key) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = id;
        }
    }
}
