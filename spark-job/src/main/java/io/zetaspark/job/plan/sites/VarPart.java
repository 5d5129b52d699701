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

    /** The best k candidates so far of each of a sequence's home queries, best first. */
    static final class Lists implements Serializable {
        private static final long serialVersionUID = 1L;
        final int k;
        final int[] count;
        final double[] dist;
        final long[] pos;
        /** The key's index in this home's keys, or −1 when its value lives at another home. */
        final int[] ref;

        Lists(int nq, int k) {
            this.k = k;
            this.count = new int[nq];
            this.dist = new double[nq * k];
            this.pos = new long[nq * k];
            this.ref = new int[nq * k];
        }
    }
}
