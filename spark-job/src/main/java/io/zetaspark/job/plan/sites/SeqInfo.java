package io.zetaspark.job.plan.sites;

import java.io.Serializable;

/**
 * What every task knows of one sequence that runs through the sites (broadcast once, a few KB):
 * its key, length and first chunk, the split points that cut each curve's (code, pos) order into
 * the sites, and where its position blocks live.
 */
final class SeqInfo implements Serializable {
    private static final long serialVersionUID = 1L;
    final int id;
    /** The sequence key as the output writes it: a long, or UTF-8 bytes of a string. */
    final boolean longKey;
    final long keyNumber;
    final byte[] keyText;
    final String name;
    final long count;
    final long minPos;
    /** The sequence's first chunk: levels are anchored there (docs/ALGORITHM.md). */
    final long base;
    /** Per curve, the split points in (code, pos) order: site t holds what lies between split t−1 and split t. */
    final long[][] splitCode;
    final long[][] splitPos;
    final PosRouting routing;
    /**
     * Per curve and site (after the sites are built): the smallest and largest key position, the key
     * count and, per level, how many of the site's keys every query of that level may take (the keys
     * of the level's universal chunks, docs/ALGORITHM.md): a walk that leaves its site is sent at once
     * to as many sites as these counts say it needs, skipping sites that hold no key it may take.
     */
    final SiteStats stats;

    /** See {@link SeqInfo#stats}. */
    static final class SiteStats implements Serializable {
        private static final long serialVersionUID = 1L;
        static final int LEVELS = 64;
        final long[][] min;
        final long[][] max;
        final long[][] count;
        /** [curve][site · LEVELS + level]: keys eligible for every query of the level. */
        final long[][] universal;

        SiteStats(int curves, int sites) {
            min = new long[curves][sites];
            max = new long[curves][sites];
            count = new long[curves][sites];
            universal = new long[curves][sites * LEVELS];
            for (int c = 0; c < curves; c++) {
                java.util.Arrays.fill(min[c], Long.MAX_VALUE);
                java.util.Arrays.fill(max[c], Long.MIN_VALUE);
            }
        }
    }

    SeqInfo(int id, String name, boolean longKey, long count, long minPos, long chunkSize, long[][] splitCode,
            long[][] splitPos, PosRouting routing) {
        this(id, name, longKey, count, minPos, Math.floorDiv(minPos, chunkSize), splitCode, splitPos, routing, null);
    }

    private SeqInfo(int id, String name, boolean longKey, long count, long minPos, long base, long[][] splitCode,
                    long[][] splitPos, PosRouting routing, SiteStats stats) {
        this.id = id;
        this.name = name;
        this.longKey = longKey;
        this.keyNumber = longKey ? Long.parseLong(name) : 0;
        this.keyText = longKey ? null : name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.count = count;
        this.minPos = minPos;
        this.base = base;
        this.splitCode = splitCode;
        this.splitPos = splitPos;
        this.routing = routing;
        this.stats = stats;
    }

    /** This plan with the sites' key statistics. */
    SeqInfo withStats(SiteStats s) {
        return new SeqInfo(id, name, longKey, count, minPos, base, splitCode, splitPos, routing, s);
    }

    /** The site of (code, pos) on a curve: the number of split points at or below it. */
    int site(int curve, long code, long pos) {
        long[] sc = splitCode[curve];
        long[] sp = splitPos[curve];
        int lo = 0;
        int hi = sc.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sc[mid] < code || (sc[mid] == code && sp[mid] <= pos)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The sites a walk that leaves site {@code from} must visit: the next ones in its direction that
     * hold a key eligible for its query (ineligible positions {@code [cutLo, cutHi)}), as many as it
     * takes for the keys every query of its level may take to reach {@code need} (in bidirectional
     * mode, all keys but the at most {@code m} of the query's own chunk), or all of them to the end.
     */
    int[] walkSites(int curve, int from, boolean down, int level, int need, long cutLo, long cutHi, boolean causal,
                    long m) {
        long[] lo = stats.min[curve];
        long[] hi = stats.max[curve];
        int[] out = new int[4];
        int n = 0;
        long sure = 0;
        for (int u = down ? from - 1 : from + 1; u >= 0 && u < lo.length && sure < need; u += down ? -1 : 1) {
            if (lo[u] > hi[u] || (lo[u] >= cutLo && hi[u] < cutHi)) {
                continue; // nothing here the query may take
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = u;
            sure += causal ? stats.universal[curve][u * SiteStats.LEVELS + level] : Math.max(0, stats.count[curve][u] - m);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The number of sites on a curve (split points + 1). */
    int sites() {
        return splitCode[0].length + 1;
    }

    /** The partition whose position block holds {@code pos}. */
    int blockOf(long pos) {
        return routing.partition(pos);
    }

    /** The site that gathers super-block {@code sb}'s chunk totals. */
    int superSite(long sb, int partitions) {
        return (int) Math.floorMod(id * 0x9E3779B97F4A7C15L + sb, (long) partitions);
    }

    /**
     * Where a sequence's position blocks are: fixed-size blocks dealt round robin (the validation
     * shuffle's spread of a long sequence), or a few ranges (a sequence whole in one partition, or the
     * parts of a split one).
     */
    static final class PosRouting implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long blo;
        private final long blen;
        private final int boff;
        private final int partitions;
        private final long[] rangeFrom;
        private final int[] rangePartition;

        private PosRouting(long blo, long blen, int boff, int partitions, long[] rangeFrom, int[] rangePartition) {
            this.blo = blo;
            this.blen = blen;
            this.boff = boff;
            this.partitions = partitions;
            this.rangeFrom = rangeFrom;
            this.rangePartition = rangePartition;
        }

        /** Blocks of {@code blen} positions from {@code blo}, block b in partition (b + boff) mod partitions. */
        static PosRouting blocks(long blo, long blen, int boff, int partitions) {
            return new PosRouting(blo, blen, boff, partitions, null, null);
        }

        /** Ranges starting at {@code from[i]} (ascending) held by {@code partition[i]}. */
        static PosRouting ranges(long[] from, int[] partition) {
            return new PosRouting(0, 0, 0, 0, from, partition);
        }

        int partition(long pos) {
            if (rangeFrom == null) {
                return (int) Math.floorMod(Math.floorDiv(pos - blo, blen) + boff, (long) partitions);
            }
            int lo = 0;
            int hi = rangeFrom.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (rangeFrom[mid] <= pos) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return rangePartition[Math.max(0, lo - 1)];
        }
    }
}
