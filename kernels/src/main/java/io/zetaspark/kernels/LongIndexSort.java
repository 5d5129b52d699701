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
     * be at least as long as idx. The keys are gathered once into a buffer and sorted together with
     * the indices ({@link #sortPairs}), so the passes read both sequentially.
     */
    public static void sortIndices(long[] keys, int[] idx, int from, int to, int[] tmp) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        long[] kb = new long[n];
        for (int i = 0; i < n; i++) {
            kb[i] = keys[idx[from + i]];
        }
        sortPairs(kb, idx, from, n, new long[n], tmp);
    }

    /** Below this many entries an insertion sort replaces the radix passes. */
    private static final int INSERTION_MAX = 64;

    /**
     * Stable LSD radix sort of {@code keys[0, n)} (signed order) that carries {@code idx[idxOff,
     * idxOff + n)} along: on return the keys are ascending and {@code idx[idxOff + r]} is the entry
     * that came with the r-th key; equal keys keep their order. Each byte pass reads the keys and
     * indices sequentially and scatters both (there is no indirect read of a key, which on runs
     * larger than the caches misses on nearly every one); one first pass counts every byte's
     * histogram, and bytes constant across all keys are skipped. {@code keyTmp} and {@code idxTmp}
     * are scratch: keyTmp at least n long, idxTmp at least idxOff + n.
     */
    public static void sortPairs(long[] keys, int[] idx, int idxOff, int n, long[] keyTmp, int[] idxTmp) {
        if (n < 2) {
            return;
        }
        if (n < INSERTION_MAX) {
            insertionPairs(keys, idx, idxOff, n);
            return;
        }
        int[] count = new int[8 * 256];
        long or = 0;
        long and = -1L;
        for (int i = 0; i < n; i++) {
            long x = keys[i] ^ Long.MIN_VALUE; // flip the sign bit: signed order = unsigned order
            or |= x;
            and &= x;
            for (int b = 0; b < 8; b++) {
                count[(b << 8) | (int) ((x >>> (b << 3)) & 0xFF)]++;
            }
        }
        long varying = or ^ and;
        long[] ks = keys;
        long[] kd = keyTmp;
        int[] is = idx;
        int[] id = idxTmp;
        int[] next = new int[256];
        for (int b = 0; b < 8; b++) {
            int shift = b << 3;
            if (((varying >>> shift) & 0xFF) == 0) {
                continue;
            }
            int at = 0;
            for (int v = 0; v < 256; v++) {
                next[v] = at;
                at += count[(b << 8) | v];
            }
            for (int i = 0; i < n; i++) {
                long key = ks[i];
                int r = next[(int) (((key ^ Long.MIN_VALUE) >>> shift) & 0xFF)]++;
                kd[r] = key;
                id[idxOff + r] = is[idxOff + i];
            }
            long[] kt = ks;
            ks = kd;
            kd = kt;
            int[] it = is;
            is = id;
            id = it;
        }
        if (ks != keys) {
            System.arraycopy(ks, 0, keys, 0, n);
            System.arraycopy(is, idxOff, idx, idxOff, n);
        }
    }

    private static void insertionPairs(long[] keys, int[] idx, int idxOff, int n) {
        for (int i = 1; i < n; i++) {
            long key = keys[i];
            int id = idx[idxOff + i];
            int j = i - 1;
            while (j >= 0 && keys[j] > key) {
                keys[j + 1] = keys[j];
                idx[idxOff + j + 1] = idx[idxOff + j];
                j--;
            }
            keys[j + 1] = key;
            idx[idxOff + j + 1] = id;
        }
    }
}
