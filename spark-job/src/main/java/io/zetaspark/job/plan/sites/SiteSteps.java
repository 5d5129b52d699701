package io.zetaspark.job.plan.sites;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.rows.OutRowWriter;
import io.zetaspark.job.plan.sites.PosPart.ChunkBase;
import io.zetaspark.job.plan.sites.VarPart.Lists;
import io.zetaspark.kernels.Attention;
import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.MeanSums;
import io.zetaspark.kernels.SiteWindows;
import io.zetaspark.kernels.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * What each partition does in each step of the distributed plan ({@link SitePlan}): the curve-0
 * windows and the merge of candidate lists at the queries' homes, the other curves' windows, walks
 * continued from neighbouring sites, the mean slot's chunk bases, and the outputs.
 */
final class SiteSteps {
    private SiteSteps() {
    }

    /** What one step tells the driver. */
    static final class Summary implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final long pending;
        final long walks;
        final List<SitePlan.SuperTotal> superTotals;

        Summary(VarPart v) {
            this.pending = v.pendingRecords;
            this.walks = v.walksOut;
            this.superTotals = v.superTotals;
        }
    }

    // ------------------------------------------------------------------------------------------ lists

    /**
     * A query's candidate list: the query's position, the count, one bit per entry for "remote" (its
     * key's value lives at another home, so the distance travels with it), then per entry the key's
     * position as a difference from the query's and, for remote entries, the distance.
     */
    static void writeList(Batch.Writer w, int seq, long qpos, int cnt, double[] dist, long[] kpos, boolean[] remote) {
        w.kind(Batch.Kind.LIST);
        w.seqPos(seq, qpos);
        w.varLong(cnt);
        for (int j = 0; j < cnt; j += 8) {
            int bits = 0;
            for (int b = 0; b < 8 && j + b < cnt; b++) {
                if (remote[j + b]) {
                    bits |= 1 << b;
                }
            }
            w.u8(bits);
        }
        for (int j = 0; j < cnt; j++) {
            w.zigzag(qpos - kpos[j]);
            if (remote[j]) {
                w.f64(dist[j]);
            }
        }
    }

    /**
     * Merges a list (the reader just past its position) into the home query's best k: the kept set
     * is the best k of the union, deduplicated by position ({@link TopK#offerDistinct}), whatever
     * order the lists arrive in. A local entry's distance is recomputed from the key this home holds.
     */
    private static void mergeList(Batch.Reader r, CurveSite home, Lists l, TopK top, boolean[] flags, int d) {
        long qpos = r.pos;
        int i = home.queryIndex(qpos);
        if (i < 0) {
            throw new IllegalStateException("candidates for seq id " + r.seq + " pos " + qpos
                    + " reached a site that is not its home");
        }
        int cnt = (int) r.varLong();
        for (int j = 0; j < cnt; j += 8) {
            int bits = r.u8();
            for (int b = 0; b < 8 && j + b < cnt; b++) {
                flags[j + b] = (bits & (1 << b)) != 0;
            }
        }
        int k = l.k;
        top.reset(k);
        int base = i * k;
        for (int j = 0; j < l.count[i]; j++) {
            top.offer(l.dist[base + j], l.pos[base + j], 0);
        }
        for (int j = 0; j < cnt; j++) {
            long kpos = qpos - r.zigzag();
            double dist;
            if (flags[j]) {
                dist = r.f64();
            } else {
                int ki = home.keyIndex(kpos);
                if (ki < 0) {
                    throw new IllegalStateException("key at pos " + kpos + " of seq id " + r.seq
                            + " is not at the home that its list says holds it");
                }
                dist = Distances.squared(home.qVec, i * d, home.keyVec, ki * d, d);
            }
            top.offerDistinct(dist, kpos, 0);
        }
        l.count[i] = top.drainSorted(l.dist, l.pos, null, base);
    }

    /**
     * The walks a query's window needs beyond this site: each side that still needs keys goes to the
     * next site in its direction that holds a key eligible for the query (none: the walk ends).
     */
    private static long walks(Pending out, SeqInfo info, int curve, int site, int level, long qpos, float[] q,
                              int qOff, int d, int[] rest, int home, SitePlan.Context cx) {
        long sent = 0;
        for (int side = 0; side < 2; side++) {
            if (rest[side] > 0) {
                int next = nextSite(info, curve, site, side == 0, qpos, cx);
                if (next >= 0) {
                    writeWalk(out.to(next), info.id, curve, qpos, level, side == 0, rest[side], home, q, qOff, d);
                    sent++;
                }
            }
        }
        return sent;
    }

    /** The next site after {@code site} in a walk's direction holding a key eligible for the query at {@code qpos}. */
    static int nextSite(SeqInfo info, int curve, int site, boolean down, long qpos, SitePlan.Context cx) {
        long m = cx.params.chunkSize();
        long cutLo = Math.floorDiv(qpos, m) * m;
        long cutHi = cx.params.causal() || cutLo > Long.MAX_VALUE - m ? Long.MAX_VALUE : cutLo + m;
        return info.nextSite(curve, down ? site - 1 : site + 1, down, cutLo, cutHi);
    }

    private static void writeWalk(Batch.Writer w, int seq, int curve, long qpos, int level, boolean down, int need,
                                  int home, float[] q, int qOff, int d) {
        w.kind(Batch.Kind.WALK | curve << 4);
        w.seqPos(seq, qpos);
        w.varLong(level);
        w.u8(down ? 0 : 1);
        w.varLong(need);
        w.varLong(home);
        w.floats(q, qOff, d);
    }

    // ------------------------------------------------------------------------------------------ step 1

    /**
     * Step 1 at every site: the curve-0 windows of the queries this site is home to (their walks that
     * leave the site go to the neighbours), merged with their own-chunk lists; and, as the site of some
     * super-blocks, their chunks' running sums (back to each chunk's partition) and totals (to the driver).
     */
    static VarPart first(SitePart site, Iterator<Batch> inbox, SitePlan.Context cx) {
        int d = cx.d;
        int k = cx.params.k();
        Pending out = new Pending(site.partition);
        Map<Integer, Lists> tops = new HashMap<>();
        TopK top = new TopK(k);
        int[] rest = new int[2];
        double[] dist = new double[k];
        long[] idx = new long[k];
        long walksOut = 0;
        List<Integer> seqs = new ArrayList<>(site.bySeq.keySet());
        Collections.sort(seqs);
        for (int seq : seqs) {
            CurveSite home = site.get(seq, 0);
            if (home == null || home.nq == 0) {
                continue;
            }
            SeqInfo info = cx.seq(seq);
            Lists l = new Lists(home.nq, k);
            tops.put(seq, l);
            // (a site that holds no key of the sequence walks nothing here: every window goes to the neighbours)
            SiteWindows w = home.windows(cx, info);
            SiteWindows.Queries qs = w.prepare(home.qPos, home.qCode, home.nq);
            for (int r = 0; r < qs.count; r++) {
                int i = qs.order[r];
                w.select(qs, i, home.qVec, i * d, k, top, rest);
                int c = top.drainSorted(dist, idx, null, 0);
                for (int j = 0; j < c; j++) {
                    l.dist[i * k + j] = dist[j];
                    l.pos[i * k + j] = home.keyPos[(int) idx[j]];
                }
                l.count[i] = c;
                walksOut += walks(out, info, 0, site.partition, w.levelOf(qs, i), home.qPos[i], home.qVec, i * d, d,
                        rest, site.partition, cx);
            }
        }
        // own-chunk lists, and the chunk totals of the super-blocks this site sums
        boolean[] flags = new boolean[k];
        Map<Integer, TreeMap<Long, Object[]>> chunks = new HashMap<>();
        int w = d + cx.dv;
        while (inbox.hasNext()) {
            Batch b = inbox.next();
            Batch.Reader r = new Batch.Reader(b);
            while (r.more()) {
                int kind = r.kind();
                r.seqPos();
                if (kind == Batch.Kind.LIST) {
                    mergeList(r, site.get(r.seq, 0), tops.get(r.seq), top, flags, d);
                } else if (kind == Batch.Kind.CHUNK) {
                    long count = r.varLong();
                    double[] sum = new double[w];
                    r.doubles(sum, 0, w);
                    chunks.computeIfAbsent(r.seq, s -> new TreeMap<>()).put(r.pos, new Object[] {count, sum, b.source});
                } else {
                    throw new IllegalStateException("unexpected record kind " + kind + " in step 1");
                }
            }
        }
        List<SitePlan.SuperTotal> superTotals = new ArrayList<>();
        long m = cx.params.chunkSize();
        for (Map.Entry<Integer, TreeMap<Long, Object[]>> e : chunks.entrySet()) {
            int seq = e.getKey();
            long sb = Long.MIN_VALUE;
            double[] running = null;
            long runningCount = 0;
            for (Map.Entry<Long, Object[]> c : e.getValue().entrySet()) {
                long chunk = c.getKey();
                if (Math.floorDiv(chunk, m) != sb) {
                    if (running != null) {
                        superTotals.add(new SitePlan.SuperTotal(seq, sb, runningCount, running));
                    }
                    sb = Math.floorDiv(chunk, m);
                    running = new double[w];
                    runningCount = 0;
                }
                long count = (Long) c.getValue()[0];
                double[] sum = (double[]) c.getValue()[1];
                int source = (Integer) c.getValue()[2];
                Batch.Writer bw = out.to(source);
                bw.kind(Batch.Kind.BASE);
                bw.seqPos(seq, chunk);
                bw.varLong(runningCount);
                bw.doubles(running, 0, w);
                MeanSums.addInto(running, sum);
                runningCount += count;
            }
            if (running != null) {
                superTotals.add(new SitePlan.SuperTotal(seq, sb, runningCount, running));
            }
        }
        List<Tuple2<Integer, Batch>> pending = out.finish();
        return new VarPart(tops, pending, out.records(), new HashMap<>(), new ArrayList<>(), superTotals, walksOut);
    }

    // ------------------------------------------------------------------------------------------ later steps

    /**
     * A later step: lists reaching their homes are merged, walks reaching a site continue there (their
     * candidates go to the query's home, what is still needed to the next site), chunk bases and value
     * requests are kept for the last sends.
     */
    static VarPart next(SitePart site, VarPart prev, Iterator<Batch> inbox, SitePlan.Context cx) {
        int d = cx.d;
        int k = cx.params.k();
        Map<Integer, Lists> tops = new HashMap<>(prev.tops);
        java.util.Set<Integer> copied = new java.util.HashSet<>();
        Map<Integer, Map<Long, ChunkBase>> bases = new HashMap<>(prev.bases);
        java.util.Set<Integer> basesCopied = new java.util.HashSet<>();
        List<Batch> fetches = new ArrayList<>(prev.fetches);
        Pending out = new Pending(site.partition);
        TopK top = new TopK(k);
        boolean[] flags = new boolean[Math.max(k, 1)];
        double[] dist = new double[k];
        long[] idx = new long[k];
        boolean[] remote = new boolean[k];
        long[] kpos = new long[k];
        float[] q = new float[d];
        long walksOut = 0;
        int w = d + cx.dv;
        while (inbox.hasNext()) {
            Batch b = inbox.next();
            Batch.Reader r = new Batch.Reader(b);
            boolean first = true;
            while (r.more()) {
                int kind = r.kind();
                if (first && kind == Batch.Kind.FETCH) {
                    fetches.add(b); // a batch of value requests, answered in the last sends
                    break;
                }
                first = false;
                r.seqPos();
                switch (kind & 0xF) {
                    case Batch.Kind.LIST: {
                        Lists l = tops.get(r.seq);
                        if (copied.add(r.seq)) {
                            l = l.copy();
                            tops.put(r.seq, l);
                        }
                        mergeList(r, site.get(r.seq, 0), l, top, flags, d);
                        break;
                    }
                    case Batch.Kind.WALK: {
                        int curve = kind >>> 4;
                        long qpos = r.pos;
                        int level = (int) r.varLong();
                        boolean down = r.u8() == 0;
                        int need = (int) r.varLong();
                        int home = (int) r.varLong();
                        r.floats(q, 0, d);
                        SeqInfo info = cx.seq(r.seq);
                        CurveSite cs = site.get(r.seq, curve);
                        int rest = need;
                        if (cs != null && cs.nk > 0) {
                            top.reset(k);
                            rest = cs.windows(cx, info).continueWalk(level, down, need, qpos, q, 0, top);
                            int c = top.drainSorted(dist, idx, null, 0);
                            if (c > 0) {
                                for (int j = 0; j < c; j++) {
                                    int ki = (int) idx[j];
                                    kpos[j] = cs.keyPos[ki];
                                    remote[j] = (curve == 0 ? site.partition : cs.keyHome[ki]) != home;
                                }
                                writeList(out.to(home), r.seq, qpos, c, dist, kpos, remote);
                            }
                        }
                        int nextSite = rest > 0 ? nextSite(info, curve, site.partition, down, qpos, cx) : -1;
                        if (nextSite >= 0) {
                            writeWalk(out.to(nextSite), r.seq, curve, qpos, level, down, rest, home, q, 0, d);
                            walksOut++;
                        }
                        break;
                    }
                    case Batch.Kind.BASE: {
                        long count = r.varLong();
                        double[] sum = new double[w];
                        r.doubles(sum, 0, w);
                        Map<Long, ChunkBase> mb = bases.get(r.seq);
                        if (basesCopied.add(r.seq)) {
                            mb = mb == null ? new HashMap<>() : new HashMap<>(mb);
                            bases.put(r.seq, mb);
                        }
                        mb.put(r.pos, new ChunkBase(count, sum));
                        break;
                    }
                    default:
                        throw new IllegalStateException("unexpected record kind " + kind + " in a step");
                }
            }
        }
        List<Tuple2<Integer, Batch>> pending = out.finish();
        return new VarPart(tops, pending, out.records(), bases, fetches, List.of(), walksOut);
    }

    // ------------------------------------------------------------------------------------------ sends

    /**
     * The sends after a step: what the step left pending and, after step 1, the windows of the curves
     * above 0 (computed here, on the way out, so that their lists are never held), or, once every list
     * has reached its home, the requests for the values the homes do not hold.
     */
    static Iterator<Tuple2<Integer, Batch>> sends(SitePart site, VarPart var, SitePlan.Phase phase,
                                                 SitePlan.Context cx) {
        Iterator<Tuple2<Integer, Batch>> pending = var.pending.iterator();
        Outbox more;
        switch (phase) {
            case FIRST:
                more = curveWindows(site, cx);
                break;
            case FETCH:
                more = fetches(site, var, cx);
                break;
            default:
                return pending;
        }
        return new Iterator<Tuple2<Integer, Batch>>() {
            @Override
            public boolean hasNext() {
                return pending.hasNext() || more.hasNext();
            }

            @Override
            public Tuple2<Integer, Batch> next() {
                return pending.hasNext() ? pending.next() : more.next();
            }
        };
    }

    /** Queries per unit of work of {@link #curveWindows}. */
    private static final int QUERY_BLOCK = 4096;

    /** The windows of every curve above 0 at this site: lists to the queries' homes, walks to the neighbours. */
    private static Outbox curveWindows(SitePart site, SitePlan.Context cx) {
        List<CurveSite> work = new ArrayList<>();
        List<Integer> seqs = new ArrayList<>(site.bySeq.keySet());
        Collections.sort(seqs);
        for (int seq : seqs) {
            CurveSite[] cs = site.bySeq.get(seq);
            for (int c = 1; c < cs.length; c++) {
                if (cs[c] != null && cs[c].nq > 0) {
                    work.add(cs[c]);
                }
            }
        }
        int d = cx.d;
        int k = cx.params.k();
        return new Outbox(cx.partitions, site.partition, cx.counters) {
            private int next;
            private CurveSite cs;
            private SeqInfo info;
            private SiteWindows w;
            private SiteWindows.Queries qs;
            private int r;
            private final TopK top = new TopK(k);
            private final int[] rest = new int[2];
            private final double[] dist = new double[k];
            private final long[] idx = new long[k];
            private final long[] kpos = new long[k];
            private final boolean[] remote = new boolean[k];

            @Override
            boolean produce() {
                while (cs == null || r >= qs.count) {
                    if (next >= work.size()) {
                        return false;
                    }
                    cs = work.get(next++);
                    info = cx.seq(cs.seq);
                    w = cs.windows(cx, info);
                    qs = w.prepare(cs.qPos, cs.qCode, cs.nq);
                    r = 0;
                }
                int to = Math.min(qs.count, r + QUERY_BLOCK);
                for (; r < to; r++) {
                    int i = qs.order[r];
                    int home = cs.qHome[i];
                    w.select(qs, i, cs.qVec, i * d, k, top, rest);
                    int c = top.drainSorted(dist, idx, null, 0);
                    if (c > 0) {
                        for (int j = 0; j < c; j++) {
                            int ki = (int) idx[j];
                            kpos[j] = cs.keyPos[ki];
                            remote[j] = cs.keyHome[ki] != home;
                        }
                        writeList(to(home), cs.seq, cs.qPos[i], c, dist, kpos, remote);
                    }
                    for (int side = 0; side < 2; side++) {
                        int nextSite = rest[side] > 0 ? nextSite(info, cs.curve, site.partition, side == 0, cs.qPos[i], cx)
                                : -1;
                        if (nextSite >= 0) {
                            writeWalk(to(nextSite), cs.seq, cs.curve, cs.qPos[i], w.levelOf(qs, i), side == 0, rest[side],
                                    home, cs.qVec, i * d, d);
                        }
                    }
                }
                return true;
            }
        };
    }

    /** Requests for the values of the selected keys that this home does not hold, to the partitions that do. */
    private static Outbox fetches(SitePart site, VarPart var, SitePlan.Context cx) {
        List<Integer> seqs = new ArrayList<>(var.tops.keySet());
        Collections.sort(seqs);
        return new Outbox(cx.partitions, site.partition, cx.counters) {
            private int next;

            @Override
            boolean produce() {
                if (next >= seqs.size()) {
                    return false;
                }
                int seq = seqs.get(next++);
                SeqInfo info = cx.seq(seq);
                CurveSite home = site.get(seq, 0);
                Lists l = var.tops.get(seq);
                long[] wanted = new long[16];
                int n = 0;
                for (int i = 0; i < home.nq; i++) {
                    for (int j = 0; j < l.count[i]; j++) {
                        long p = l.pos[i * l.k + j];
                        if (home.keyIndex(p) < 0) {
                            if (n == wanted.length) {
                                wanted = Arrays.copyOf(wanted, n * 2);
                            }
                            wanted[n++] = p;
                        }
                    }
                }
                Arrays.sort(wanted, 0, n);
                for (int j = 0; j < n; j++) {
                    if (j > 0 && wanted[j] == wanted[j - 1]) {
                        continue;
                    }
                    Batch.Writer bw = to(info.blockOf(wanted[j]));
                    bw.kind(Batch.Kind.FETCH);
                    bw.seqPos(seq, wanted[j]);
                }
                return true;
            }
        };
    }

    // ------------------------------------------------------------------------------------------ outputs

    /**
     * The outputs of the queries this site is home to: the selected keys' values (held here, or sent
     * by the partitions that hold them), the mean slot sent by each query's position block, then the
     * weights and output of {@link Attention}, the engine's own arithmetic. With the mean slot on, a
     * query's output is written when its mean arrives; the values are read first.
     */
    static Iterator<InternalRow> outputs(SitePart site, VarPart var, Iterator<Batch> values, Iterator<Batch> means,
                                         SitePlan.Context cx, ZetaColumns cols, boolean longSeq) {
        int d = cx.d;
        int dv = cx.dv;
        int k = cx.params.k();
        // values from elsewhere: per sequence, position → row of a float table
        Map<Integer, long[]> rpos = new HashMap<>();
        Map<Integer, float[]> rval = new HashMap<>();
        Map<Integer, int[]> rcount = new HashMap<>();
        while (values.hasNext()) {
            Batch.Reader r = new Batch.Reader(values.next());
            while (r.more()) {
                r.kind();
                r.seqPos();
                int[] cnt = rcount.computeIfAbsent(r.seq, s -> new int[1]);
                long[] ps = rpos.computeIfAbsent(r.seq, s -> new long[64]);
                float[] vs = rval.computeIfAbsent(r.seq, s -> new float[64 * dv]);
                if (cnt[0] == ps.length) {
                    ps = Arrays.copyOf(ps, cnt[0] * 2);
                    vs = Arrays.copyOf(vs, cnt[0] * 2 * dv);
                    rpos.put(r.seq, ps);
                    rval.put(r.seq, vs);
                }
                ps[cnt[0]] = r.pos;
                r.floats(vs, cnt[0] * dv, dv);
                cnt[0]++;
            }
        }
        Map<Integer, PosIndex> rindex = new HashMap<>();
        for (Map.Entry<Integer, long[]> e : rpos.entrySet()) {
            rindex.put(e.getKey(), new PosIndex(e.getValue(), rcount.get(e.getKey())[0]));
        }
        OutRowWriter writer = new OutRowWriter(longSeq, cols);
        Attention att = new Attention(cx.params, dv);
        Map<Integer, UTF8String> texts = new HashMap<>();
        float[] vals = new float[k * dv];
        int[] valOff = new int[k];
        float[] out = new float[dv];
        float[] nbrW = new float[k];
        long[] nbrPos = new long[k];
        double[] meanV = new double[dv];

        class Emit {
            InternalRow row(int seq, int i, boolean hasMean, double meanDist) {
                SeqInfo info = cx.seq(seq);
                CurveSite home = site.get(seq, 0);
                Lists l = var.tops.get(seq);
                int cnt = l.count[i];
                int base = i * k;
                for (int j = 0; j < cnt; j++) {
                    long p = l.pos[base + j];
                    int ki = home.keyIndex(p);
                    if (ki >= 0) {
                        System.arraycopy(home.keyVal, ki * dv, vals, j * dv, dv);
                    } else {
                        PosIndex ix = rindex.get(seq);
                        int ri = ix == null ? -1 : ix.get(p);
                        if (ri < 0) {
                            throw new IllegalStateException("no value arrived for seq " + info.name + " pos " + p);
                        }
                        System.arraycopy(rval.get(seq), ri * dv, vals, j * dv, dv);
                    }
                    valOff[j] = j * dv;
                    nbrPos[j] = p;
                }
                Arrays.fill(nbrW, 0, cnt, 0.0f);
                att.apply(cnt, l.dist, base, vals, valOff, hasMean, meanDist, meanV, out, 0, nbrW, 0);
                double nn = cnt == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(l.dist[base]);
                UTF8String text = info.longKey ? null
                        : texts.computeIfAbsent(seq, s -> UTF8String.fromBytes(info.keyText));
                return writer.write(false, info.keyNumber, text, home.qPos[i], out, nbrPos, nbrW, cnt, nn);
            }
        }
        Emit emit = new Emit();
        if (!cx.params.meanSlot()) {
            List<int[]> all = new ArrayList<>();
            List<Integer> seqs = new ArrayList<>(var.tops.keySet());
            Collections.sort(seqs);
            for (int seq : seqs) {
                for (int i = 0; i < site.get(seq, 0).nq; i++) {
                    all.add(new int[] {seq, i});
                }
            }
            Iterator<int[]> it = all.iterator();
            return new Iterator<InternalRow>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public InternalRow next() {
                    int[] x = it.next();
                    return emit.row(x[0], x[1], false, 0.0);
                }
            };
        }
        return new Iterator<InternalRow>() {
            private Batch.Reader r;

            @Override
            public boolean hasNext() {
                while (r == null || !r.more()) {
                    if (!means.hasNext()) {
                        return false;
                    }
                    r = new Batch.Reader(means.next());
                }
                return true;
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                r.kind();
                r.seqPos();
                boolean hasMean = r.varLong() == 1;
                double meanDist = 0.0;
                if (hasMean) {
                    meanDist = r.f64();
                    r.doubles(meanV, 0, dv);
                }
                CurveSite home = site.get(r.seq, 0);
                int i = home == null ? -1 : home.queryIndex(r.pos);
                if (i < 0) {
                    throw new IllegalStateException("a mean slot for seq id " + r.seq + " pos " + r.pos
                            + " reached a site that is not its home");
                }
                return emit.row(r.seq, i, hasMean, meanDist);
            }
        };
    }
}
