package io.zetaspark.job.plan.sites;

import io.zetaspark.job.plan.sites.PosPart.ChunkBase;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import scala.Tuple2;

/**
 * What changes from step to step in one partition: the candidates each home query has gathered so
 * far, the records waiting to be sent, the chunk bases of the mean slot and the value requests to
 * answer. A step makes a new one (the previous one stays as it was, so a retried task sees the same
 * input).
 */
final class VarPart implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Sequence id → the best k so far of every query this partition is home to (aligned with its curve-0 queries). */
    final Map<Integer, Lists> tops;
    final List<Tuple2<Integer, Batch>> pending;
    final Map<Integer, Map<Long, ChunkBase>> bases;
    final List<Batch> fetches;
    /**
     * Per sequence, the bounds the queries' homes sent (each sorted by query position): index 0 for
     * this partition's position blocks, index c for its site of curve c.
     */
    final Map<Integer, Bounds[]> bounds;
    /** Records waiting to be sent (the driver steps on until no partition has any). */
    final long pendingRecords;
    /** Super-block totals summed here (step 1), for the driver. */
    final List<SitePlan.SuperTotal> superTotals;
    /** Walks that left this site (a statistic). */
    final long walksOut;
    /** The most keys one site took for one walk, and the most sites one walk visited (statistics). */
    int walkTakenMax;
    int walkSitesMax;

    VarPart(Map<Integer, Lists> tops, List<Tuple2<Integer, Batch>> pending, long pendingRecords,
            Map<Integer, Map<Long, ChunkBase>> bases, List<Batch> fetches, Map<Integer, Bounds[]> bounds,
            List<SitePlan.SuperTotal> superTotals, long walksOut) {
        this.bounds = bounds;
        this.tops = tops;
        this.pending = pending;
        this.pendingRecords = pendingRecords;
        this.bases = bases;
        this.fetches = fetches;
        this.superTotals = superTotals;
        this.walksOut = walksOut;
    }

    /**
     * The k-th candidate (distance, key position) that each query had at its home after step 1, by
     * query position: its own chunk sends only keys before it in candidate order.
     */
    static final class Bounds implements Serializable {
        private static final long serialVersionUID = 1L;
        final long[] pos;
        final double[] dist;
        final long[] keyPos;

        Bounds(long[] pos, double[] dist, long[] keyPos) {
            this.pos = pos;
            this.dist = dist;
            this.keyPos = keyPos;
        }
    }

    /**
     * The best k candidates so far of each of a sequence's home queries, best first, held compactly:
     * one int per entry, the key's index in this home's keys (its position and distance are those of
     * the key: the distance is recomputed, with the same bits, when needed), or for a key whose value
     * lives at another home −1 − a slot of a side table holding its position and distance.
     */
    static final class Lists implements Serializable {
        private static final long serialVersionUID = 1L;
        final int k;
        final int[] count;
        final int[] ref;
        long[] sidePos;
        double[] sideDist;
        int sideCount;

        Lists(int nq, int k) {
            this.k = k;
            this.count = new int[nq];
            this.ref = new int[nq * k];
            this.sidePos = new long[16];
            this.sideDist = new double[16];
        }

        private Lists(Lists o) {
            this.k = o.k;
            this.count = o.count.clone();
            this.ref = o.ref.clone();
            this.sidePos = java.util.Arrays.copyOf(o.sidePos, Math.max(16, o.sideCount));
            this.sideDist = java.util.Arrays.copyOf(o.sideDist, Math.max(16, o.sideCount));
            this.sideCount = o.sideCount;
        }

        /** A copy that a step can change while the previous step's state stays as it was. */
        Lists copy() {
            return new Lists(this);
        }

        /** A side-table slot for a remote entry; the entry's ref is {@code -1 - slot}. */
        int side(long pos, double dist) {
            if (sideCount == sidePos.length) {
                sidePos = java.util.Arrays.copyOf(sidePos, sideCount * 2);
                sideDist = java.util.Arrays.copyOf(sideDist, sideCount * 2);
            }
            sidePos[sideCount] = pos;
            sideDist[sideCount] = dist;
            return sideCount++;
        }

        /** Entry j of query i: its key's position. */
        long pos(int i, int j, CurveSite home) {
            int r = ref[i * k + j];
            return r >= 0 ? home.keyPos[r] : sidePos[-1 - r];
        }

        /** Entry j of query i: its squared distance (recomputed for a key this home holds). */
        double dist(int i, int j, CurveSite home, int d) {
            int r = ref[i * k + j];
            return r >= 0 ? io.zetaspark.kernels.Distances.squared(home.qVec, i * d, home.keyVec, r * d, d)
                    : sideDist[-1 - r];
        }
    }
}
