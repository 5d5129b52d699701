package io.zetaspark.job.plan.sites;

/**
 * Position → index of a site's keys: open addressing over one primitive array that holds each
 * slot's position and index side by side (one cache line per probe), no boxing.
 */
final class PosIndex {
    private final long[] slots;
    private final int mask;

    PosIndex(long[] pos, int n) {
        int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        slots = new long[2 * cap];
        mask = cap - 1;
        for (int h = 0; h < cap; h++) {
            slots[2 * h + 1] = -1;
        }
        for (int i = 0; i < n; i++) {
            int h = slot(pos[i]);
            while (slots[2 * h + 1] >= 0) {
                h = (h + 1) & mask;
            }
            slots[2 * h] = pos[i];
            slots[2 * h + 1] = i;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The index stored for {@code key}, or −1. */
    int get(long key) {
        int h = slot(key);
        while (true) {
            long v = slots[2 * h + 1];
            if (v < 0) {
                return -1;
            }
            if (slots[2 * h] == key) {
                return (int) v;
            }
            h = (h + 1) & mask;
        }
    }
}
