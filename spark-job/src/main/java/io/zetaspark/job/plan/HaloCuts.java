package io.zetaspark.job.plan;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The cuts (chunk starts) of the queries next to one partition edge whose walk leaves the
 * partition, and the exact rule for which keys beyond the edge they use (docs/ALGORITHM.md, "Halo
 * exchange"). A query with cut c takes the first {@code needed} keys with {@code pos < c} it meets
 * walking away from the edge; a key is lent when it is one of those for at least one cut. With
 * the cuts sorted, a key at {@code pos} is usable by every cut above it and has the fewest
 * competitors at the smallest such cut, so it is lent when fewer than {@code needed} keys met
 * before it lie below that cut. The keys lent are therefore at most {@code needed} per distinct
 * cut, and the walk ends once the smallest cut has its {@code needed} keys (every larger cut
 * has them too). Bidirectional queries skip only their own chunk: one cut at
 * {@code Long.MAX_VALUE} and {@code needed = W/2 + M} keys of any position.
 *
 * <p>The cuts travel from the partition whose queries need them to the partition that lends, by a
 * shuffle; the driver sees only which partition needs which (run identities), never the cuts.
 */
final class HaloCuts implements Serializable {
    private static final long serialVersionUID = 1L;

    final long[] cuts;

    private HaloCuts(long[] cuts) {
        this.cuts = cuts;
    }

    /** The distinct values of {@code raw[0, n)}; null when n is 0 (no query needs the edge). */
    static HaloCuts of(long[] raw, int n) {
        if (n == 0) {
            return null;
        }
        long[] s = Arrays.copyOf(raw, n);
        Arrays.sort(s);
        int m = 1;
        for (int i = 1; i < n; i++) {
            if (s[i] != s[m - 1]) {
                s[m++] = s[i];
            }
        }
        return new HaloCuts(Arrays.copyOf(s, m));
    }

    /** The requirement of a chain: every cut of either side (null when both are null). */
    static HaloCuts union(HaloCuts a, HaloCuts b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        long[] all = new long[a.cuts.length + b.cuts.length];
        System.arraycopy(a.cuts, 0, all, 0, a.cuts.length);
        System.arraycopy(b.cuts, 0, all, a.cuts.length, b.cuts.length);
        return of(all, all.length);
    }

    /** The most rows a walk for these cuts lends: {@code needed} per cut. */
    int bound(int needed) {
        return (int) Math.min(Integer.MAX_VALUE, (long) needed * cuts.length);
    }

    long smallest() {
        return cuts[0];
    }

    long largest() {
        return cuts[cuts.length - 1];
    }

    /** A walk away from one edge: offer the keys in walk order; each answer says whether it is lent. */
    Walk walk(int needed) {
        return new Walk(this, needed);
    }

    /** The lending rule applied to keys in walk order (counts on primitive arrays, no boxing). */
    static final class Walk {
        private final long[] cuts;
        private final int needed;
        /** below[i]: keys met so far with pos below cuts[i] (non-decreasing in i). */
        private final int[] below;

        private Walk(HaloCuts c, int needed) {
            this.cuts = c.cuts;
            this.needed = needed;
            this.below = new int[cuts.length];
        }

        /** Whether some query next to the edge uses the next key (at {@code pos}) of the walk. */
        boolean offer(long pos) {
            int i = firstAbove(pos);
            if (i == cuts.length) {
                return false; // at or above every cut: ineligible for all of them
            }
            boolean lent = below[i] < needed;
            for (int j = i; j < below.length; j++) {
                below[j]++;
            }
            return lent;
        }

        /** Whether every cut has its keys (the smallest has: the others have at least as many). */
        boolean satisfied() {
            return below[0] >= needed;
        }

        private int firstAbove(long pos) {
            int lo = 0;
            int hi = cuts.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cuts[mid] > pos) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
    }
}
