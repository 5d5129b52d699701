package io.zetaspark.job.plan.sites;

import io.zetaspark.kernels.ShiftedCurves;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The curve sites one partition holds: for every sequence, its stretch of each curve's order
 * (partition t is site t of every curve). Built once from the keys and queries the position blocks
 * send, then read by every later step; it does not change.
 */
final class SitePart implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    /** Sequence id → per curve its site (null where this site holds nothing of the sequence on that curve). */
    final Map<Integer, CurveSite[]> bySeq;

    private SitePart(int partition, Map<Integer, CurveSite[]> bySeq) {
        this.partition = partition;
        this.bySeq = bySeq;
    }

    static SitePart build(int partition, Iterator<Batch> inbox, SitePlan.Context cx) {
        int d = cx.d;
        int dv = cx.dv;
        int curves = cx.params.curves();
        Map<Integer, CurveSite[]> bySeq = new HashMap<>();
        while (inbox.hasNext()) {
            Batch.Reader r = new Batch.Reader(inbox.next());
            while (r.more()) {
                int kind = r.kind();
                int curve = kind >>> 4;
                r.seqPos();
                CurveSite[] cs = bySeq.computeIfAbsent(r.seq, s -> new CurveSite[curves]);
                if (cs[curve] == null) {
                    cs[curve] = new CurveSite(r.seq, curve, d, dv);
                }
                switch (kind & 0xF) {
                    case Batch.Kind.KEY:
                        cs[curve].addKey(r, d, dv);
                        break;
                    case Batch.Kind.QUERY:
                        cs[curve].addQuery(r, d);
                        break;
                    default:
                        throw new IllegalStateException("unexpected record kind " + (kind & 0xF) + " in the key exchange");
                }
            }
        }
        ShiftedCurves sc = new ShiftedCurves(d, cx.params);
        for (Map.Entry<Integer, CurveSite[]> e : bySeq.entrySet()) {
            SeqInfo info = cx.seq(e.getKey());
            for (CurveSite c : e.getValue()) {
                if (c != null) {
                    c.finish(cx, info, sc);
                }
            }
        }
        return new SitePart(partition, bySeq);
    }

    /**
     * Per sequence id: per curve, the smallest and largest key position held here (empty: MAX, MIN),
     * the key count, and per level the keys of its universal chunks ({@link SeqInfo#stats}).
     */
    Map<Integer, long[][]> keyStats(SitePlan.Context cx) {
        int curves = cx.params.curves();
        long m = cx.params.chunkSize();
        int levels = SeqInfo.SiteStats.LEVELS;
        Map<Integer, long[][]> out = new HashMap<>();
        for (Map.Entry<Integer, CurveSite[]> e : bySeq.entrySet()) {
            long base = cx.seq(e.getKey()).base;
            long[][] r = new long[curves][3 + levels];
            for (int c = 0; c < curves; c++) {
                CurveSite cs = e.getValue()[c];
                boolean any = cs != null && cs.nk > 0;
                r[c][0] = any ? cs.keyPos[0] : Long.MAX_VALUE;
                r[c][1] = any ? cs.keyPos[cs.nk - 1] : Long.MIN_VALUE;
                r[c][2] = any ? cs.nk : 0;
                for (int l = 1; any && l < levels; l++) {
                    long bound = io.zetaspark.kernels.NestedLevels.chunkStart(base,
                            io.zetaspark.kernels.NestedLevels.universalChunkBound(l), m);
                    int at = java.util.Arrays.binarySearch(cs.keyPos, 0, cs.nk, bound);
                    r[c][3 + l] = at >= 0 ? at : -at - 1;
                }
            }
            out.put(e.getKey(), r);
        }
        return out;
    }

    /** This site's part of a sequence on a curve, or null. */
    CurveSite get(int seq, int curve) {
        CurveSite[] cs = bySeq.get(seq);
        return cs == null ? null : cs[curve];
    }
}
