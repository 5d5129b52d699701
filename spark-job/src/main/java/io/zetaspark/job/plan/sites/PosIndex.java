package io.zetaspark.job.plan.sites;

/** Position → index of a site's keys: open addressing over primitive arrays, no boxing. */
final class PosIndex {
    private final long[] keys;
    private final int[] values;
    private final int mask;

    PosIndex(long[] pos, int n) {
        int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        mask = cap - 1;
        java.util.Arrays.fill(values, -1);
        for (int i = 0; i < n; i++) {
            int h = slot(pos[i]);
            while (values[h] >= 0) {
                h = (h + 1) & mask;
            }
            keys[h] = pos[i];
            values[h] = i;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The index stored for {@code key}, or −1. */
    int get(long key) {
        int h = slot(key);
        while (values[h] >= 0) {
            if (keys[h] == key) {
                return values[h];
            }
            h = (h + 1) & mask;
        }
        return -1;
    }
}
