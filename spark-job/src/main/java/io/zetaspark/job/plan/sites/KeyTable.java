package io.zetaspark.job.plan.sites;

/**
 * A home's keys by position, for the merge of candidate lists: open addressing over one long array
 * whose slots hold the position, the key's index and its d components side by side, so that finding
 * a key and computing its distance to a query touch one place in memory (a merge looks up keys in no
 * particular order, one cache miss each). No boxing.
 */
final class KeyTable {
    private final long[] slots;
    private final int stride;
    private final int mask;
    private final int d;

    KeyTable(long[] pos, float[] vec, int d, int n) {
        this.d = d;
        this.stride = 1 + (d + 2) / 2; // position, then (index, k0), (k1, k2), ... as pairs of ints
        int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        slots = new long[stride * cap];
        mask = cap - 1;
        for (int h = 0; h < cap; h++) {
            slots[h * stride + 1] = -1L; // index −1 (low int) marks an empty slot
        }
        int[] ints = new int[2 * (stride - 1)];
        for (int i = 0; i < n; i++) {
            int h = hash(pos[i]);
            while (index(h * stride) >= 0) {
                h = (h + 1) & mask;
            }
            int base = h * stride;
            slots[base] = pos[i];
            java.util.Arrays.fill(ints, 0);
            ints[0] = i;
            for (int m = 0; m < d; m++) {
                ints[1 + m] = Float.floatToRawIntBits(vec[i * d + m]);
            }
            for (int w = 0; w < stride - 1; w++) {
                slots[base + 1 + w] = (ints[2 * w] & 0xFFFFFFFFL) | ((long) ints[2 * w + 1] << 32);
            }
        }
    }

    private int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int index(int base) {
        return (int) slots[base + 1];
    }

    /** The slot of the key at {@code pos} (a handle for {@link #index} and {@link #distance}), or −1. */
    int find(long pos) {
        int h = hash(pos);
        while (true) {
            int base = h * stride;
            if (index(base) < 0) {
                return -1;
            }
            if (slots[base] == pos) {
                return base;
            }
            h = (h + 1) & mask;
        }
    }

    /** The key's index in the home's arrays. */
    int indexAt(int slot) {
        return index(slot);
    }

    /** {@link io.zetaspark.kernels.Distances#squared} of the query and the key in {@code slot}: the same operations in the same order. */
    double distance(int slot, float[] q, int qOff) {
        double s = 0.0;
        for (int m = 0; m < d; m++) {
            int j = m + 1; // int j of the slot's payload (0 is the index)
            long word = slots[slot + 1 + (j >>> 1)];
            float k = Float.intBitsToFloat((j & 1) == 0 ? (int) word : (int) (word >>> 32));
            double diff = (double) q[qOff + m] - (double) k;
            s += diff * diff;
        }
        return s;
    }
}
