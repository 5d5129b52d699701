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

        final int walkTakenMax;
        final int walkSitesMax;

        Summary(VarPart v) {
            this.pending = v.pendingRecords;
            this.walks = v.walksOut;
            this.superTotals = v.superTotals;
            this.walkTakenMax = v.walkTakenMax;
            this.walkSitesMax = v.walkSitesMax;
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
     * The distances of the entries each home query keeps, as far as this step has computed them (a
     * query merges several lists in one step; its kept entries' distances are recomputed once, not
     * once per list). Per task and sequence, not part of the state.
     */
    static final class DistCache {
        final double[] dist;
        final boolean[] valid;

        DistCache(int nq, int k) {
            dist = new double[nq * k];
            valid = new boolean[nq];
        }
    }

    /** Scratch of {@link #mergeList}, one per task thread. */
    static final class MergeScratch {
        final boolean[] flags;
        final long[] pos;
        final double[] dist;
        final int[] ref;
        final double[] outDist;
        final long[] outPos;
        final int[] outRef;

        final double[] oldDist;
        final long[] oldPos;

        MergeScratch(int k, int half) {
            int n = Math.max(k, half);
            flags = new boolean[n];
            pos = new long[n];
            dist = new double[n];
            ref = new int[n];
            outDist = new double[k];
            outPos = new long[k];
            outRef = new int[k];
            oldDist = new double[k];
            oldPos = new long[k];
        }
    }

    /**
     * Merges a list (the reader just past its query's position) into the home query's best k, in
     * place: both are in candidate order, so one pass keeps the first k of their union, a key met in
     * both once (the same key has the same distance, so the two copies meet side by side). A local
     * entry's distance is recomputed from the key this home holds, and only when the merge reaches
     * it. Merging a list twice leaves the same best k (the union does not change), so a retried task
     * that finds some lists already merged gives the same bytes.
     */
    static void mergeList(Batch.Reader r, CurveSite home, Lists l, MergeScratch x, int d, DistCache dc) {
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
                x.flags[j + b] = (bits & (1 << b)) != 0;
            }
        }
        for (int j = 0; j < cnt; j++) {
            x.pos[j] = qpos - r.zigzag();
            x.dist[j] = x.flags[j] ? r.f64() : Double.NaN;
            x.ref[j] = -1;
        }
        mergeSorted(home, l, i, x, cnt, d, r.seq, dc);
    }

    /**
     * Merges {@code cnt} entries of the scratch, in candidate order, into query i's best k (see
     * {@link #mergeList}); an entry without a distance (NaN, not flagged remote) is a key this home holds.
     */
    private static void mergeSorted(CurveSite home, Lists l, int i, MergeScratch x, int cnt, int d, int seq,
                                    DistCache dc) {
        int k = l.k;
        int base = i * k;
        int old = l.count[i];
        boolean cached = dc.valid[i];
        for (int a = 0; a < old; a++) {
            x.oldDist[a] = cached ? dc.dist[base + a] : l.dist(i, a, home, d);
            x.oldPos[a] = l.pos(i, a, home);
        }
        int a = 0;
        int b = 0;
        int o = 0;
        while (o < k && (a < old || b < cnt)) {
            if (b < cnt && !x.flags[b] && Double.isNaN(x.dist[b])) {
                KeyTable keys = home.keyTable(d);
                int slot = keys.find(x.pos[b]);
                if (slot < 0) {
                    throw new IllegalStateException("key at pos " + x.pos[b] + " of seq id " + seq
                            + " is not at the home that its list says holds it");
                }
                x.dist[b] = keys.distance(slot, home.qVec, i * d);
                x.ref[b] = keys.indexAt(slot);
            }
            if (b >= cnt || (a < old && !TopK.better(x.dist[b], x.pos[b], x.oldDist[a], x.oldPos[a]))) {
                if (b < cnt && x.pos[b] == x.oldPos[a]) {
                    b++; // the same key from another source
                }
                x.outDist[o] = x.oldDist[a];
                x.outRef[o++] = l.ref[base + a];
                a++;
            } else {
                x.outDist[o] = x.dist[b];
                x.outRef[o++] = x.ref[b] >= 0 ? x.ref[b] : -1 - l.side(x.pos[b], x.dist[b]);
                b++;
            }
        }
        System.arraycopy(x.outRef, 0, l.ref, base, o);
        System.arraycopy(x.outDist, 0, dc.dist, base, o);
        dc.valid[i] = true;
        l.count[i] = o;
    }

    /**
     * The walks a query's window needs beyond this site: each side that still needs keys goes at once
     * to the sites {@link SeqInfo#walkSites} names, each told its rank in the walk.
     */
    static long walks(Batch.Writer.Factory out, SeqInfo info, int curve, int site, int level, long qpos, float[] q,
                      int qOff, int d, int[] rest, int home, SitePlan.Context cx, boolean bounded, double boundDist,
                      long boundPos) {
        long sent = 0;
        long m = cx.params.chunkSize();
        long cutLo = Math.floorDiv(qpos, m) * m;
        long cutHi = cx.params.causal() || cutLo > Long.MAX_VALUE - m ? Long.MAX_VALUE : cutLo + m;
        for (int side = 0; side < 2; side++) {
            if (rest[side] <= 0) {
                continue;
            }
            int[] to = info.walkSites(curve, site, side == 0, level, rest[side], cutLo, cutHi, cx.params.causal(), m);
            for (int rank = 0; rank < to.length; rank++) {
                writeWalk(out.to(to[rank]), info.id, curve, qpos, level, side == 0, rest[side], rank, home, q, qOff, d,
                        bounded, boundDist, boundPos);
                sent++;
            }
        }
        return sent;
    }

    /**
     * A walk to continue in a site: the query, its level, direction, the keys the walk still needs, the
     * site's rank among the walk's sites, its home and bound (if any).
     */
    private static void writeWalk(Batch.Writer w, int seq, int curve, long qpos, int level, boolean down, int need,
                                  int rank, int home, float[] q, int qOff, int d, boolean bounded, double boundDist,
                                  long boundPos) {
        w.kind(Batch.Kind.WALK | curve << 4);
        w.seqPos(seq, qpos);
        w.varLong(level);
        w.u8((down ? 0 : 1) | (bounded ? 2 : 0));
        w.varLong(need);
        w.varLong(rank);
        w.varLong(home);
        w.floats(q, qOff, d);
        if (bounded) {
            w.f64(boundDist);
            w.zigzag(qpos - boundPos);
        }
    }

    /** One site's part of a walk, as its query's home received it. */
    static final class WalkPiece {
        int seq;
        int query;
        int curve;
        boolean down;
        int need;
        int rank;
        int taken;
        int count;
        int[] walkRank;
        long[] pos;
        double[] dist;
        boolean[] remote;

        static WalkPiece read(Batch.Reader r, int curve, CurveSite home) {
            WalkPiece p = new WalkPiece();
            p.seq = r.seq;
            p.query = home == null ? -1 : home.queryIndex(r.pos);
            if (p.query < 0) {
                throw new IllegalStateException("a walk of seq id " + r.seq + " pos " + r.pos
                        + " came back to a site that is not its home");
            }
            p.curve = curve;
            p.down = r.u8() == 0;
            p.need = (int) r.varLong();
            p.rank = (int) r.varLong();
            p.taken = (int) r.varLong();
            p.count = (int) r.varLong();
            p.walkRank = new int[p.count];
            p.pos = new long[p.count];
            p.dist = new double[p.count];
            p.remote = new boolean[p.count];
            for (int j = 0; j < p.count; j += 8) {
                int bits = r.u8();
                for (int b = 0; b < 8 && j + b < p.count; b++) {
                    p.remote[j + b] = (bits & (1 << b)) != 0;
                }
            }
            for (int j = 0; j < p.count; j++) {
                p.walkRank[j] = (int) r.varLong();
                p.pos[j] = r.pos - r.zigzag();
                p.dist[j] = p.remote[j] ? r.f64() : Double.NaN;
            }
            return p;
        }
    }

    /**
     * Merges the walks that came back in one step: the pieces of one walk (one query, curve and
     * direction) in their sites' order make up the walk; its first {@code need} keys are the window's
     * keys beyond the origin site, of which the pieces hold those before the query's bound.
     */
    static void mergeWalks(SitePart site, Map<Integer, Lists> tops, List<WalkPiece> pieces, MergeScratch x, int d,
                           Map<Integer, DistCache> caches) {
        pieces.sort((a, b) -> a.seq != b.seq ? Integer.compare(a.seq, b.seq)
                : a.query != b.query ? Integer.compare(a.query, b.query)
                : a.curve != b.curve ? Integer.compare(a.curve, b.curve)
                : a.down != b.down ? Boolean.compare(a.down, b.down)
                : Integer.compare(a.rank, b.rank));
        int at = 0;
        while (at < pieces.size()) {
            WalkPiece first = pieces.get(at);
            CurveSite home = site.get(first.seq, 0);
            int n = 0;
            int offset = 0;
            int end = at;
            while (end < pieces.size() && pieces.get(end).seq == first.seq && pieces.get(end).query == first.query
                    && pieces.get(end).curve == first.curve && pieces.get(end).down == first.down) {
                WalkPiece p = pieces.get(end++);
                for (int j = 0; j < p.count; j++) {
                    if (offset + p.walkRank[j] < p.need) {
                        x.pos[n] = p.pos[j];
                        x.dist[n] = p.dist[j];
                        x.flags[n] = p.remote[j];
                        x.ref[n] = -1;
                        n++;
                    }
                }
                offset += p.taken;
            }
            // the distances of local keys, then candidate order
            KeyTable keys = home.keyTable(d);
            for (int j = 0; j < n; j++) {
                if (!x.flags[j]) {
                    int slot = keys.find(x.pos[j]);
                    if (slot < 0) {
                        throw new IllegalStateException("walked key at pos " + x.pos[j] + " is not at its home");
                    }
                    x.dist[j] = keys.distance(slot, home.qVec, first.query * d);
                    x.ref[j] = keys.indexAt(slot);
                }
            }
            for (int j = 1; j < n; j++) {
                long p = x.pos[j];
                double dd = x.dist[j];
                int rf = x.ref[j];
                boolean fl = x.flags[j];
                int m = j - 1;
                while (m >= 0 && TopK.better(dd, p, x.dist[m], x.pos[m])) {
                    x.pos[m + 1] = x.pos[m];
                    x.dist[m + 1] = x.dist[m];
                    x.ref[m + 1] = x.ref[m];
                    x.flags[m + 1] = x.flags[m];
                    m--;
                }
                x.pos[m + 1] = p;
                x.dist[m + 1] = dd;
                x.ref[m + 1] = rf;
                x.flags[m + 1] = fl;
            }
            Lists l = tops.get(first.seq);
            mergeSorted(home, l, first.query, x, Math.min(n, l.k), d, first.seq,
                    caches.computeIfAbsent(first.seq, q -> new DistCache(home.nq, l.k)));
            at = end;
        }
    }

    // ------------------------------------------------------------------------------------------ engines

    /** One window-engine decision per executor JVM and choice (decided, and logged, once). */
    private static final Map<io.zetaspark.kernels.gpu.EngineChoice, io.zetaspark.kernels.gpu.GpuWindowBatch> ENGINES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The CUDA window engine this task uses (the choice of {@code spark.zeta.device}, GPU only where one
     * works; every task says which in the executor's log once), or null for the Java kernels.
     */
    static io.zetaspark.kernels.gpu.GpuWindowBatch gpu(SitePlan.Context cx) {
        if (cx.emulate) {
            return ENGINES.computeIfAbsent(io.zetaspark.kernels.gpu.EngineChoice.CPU,
                    io.zetaspark.kernels.gpu.GpuWindowBatch::create);
        }
        if (cx.engine == io.zetaspark.kernels.gpu.EngineChoice.CPU) {
            return null;
        }
        io.zetaspark.kernels.gpu.GpuWindowBatch g = ENGINES.computeIfAbsent(cx.engine,
                io.zetaspark.kernels.gpu.GpuWindowBatch::create);
        return g.decision().gpu() ? g : null;
    }

    /**
     * The windows of the queries {@code qs.order[from, to)} (one level) by the CUDA window kernel, the
     * same rule as the Java walk ({@link io.zetaspark.kernels.WindowBatch} is its twin): per query j of
     * the block its best k ({@code count[j]}, {@code dist[j·k..]}, key indices {@code keyIdx[j·k..]}) and
     * what its walk still needs beyond the site ({@code rest[2j]} below, {@code rest[2j+1]} above,
     * counted here on the CPU). The kernel keeps k per window without the home's bound, so the lists it
     * makes are longer, not different in what they select.
     */
    static void gpuWindows(io.zetaspark.kernels.gpu.GpuWindowBatch gpu, SitePlan.Context cx, CurveSite cs,
                           SiteWindows w, SiteWindows.Queries qs, int from, int to, int[] count, double[] dist,
                           int[] keyIdx, int[] rest) {
        int d = cx.d;
        int k = cx.params.k();
        long m = cx.params.chunkSize();
        boolean causal = cx.params.causal();
        int level = w.levelOf(qs, qs.order[from]);
        long[] rp = w.runPositions(level);
        float[] rv = cs.runVectors(w, level);
        int nq = to - from;
        int[] ins = new int[nq];
        long[] lo = new long[nq];
        long[] hi = new long[nq];
        float[] qv = new float[nq * d];
        for (int j = 0; j < nq; j++) {
            int i = qs.order[from + j];
            ins[j] = w.insertionPoint(qs, i);
            lo[j] = Math.floorDiv(cs.qPos[i], m) * m;
            hi[j] = causal || lo[j] > Long.MAX_VALUE - m ? Long.MAX_VALUE : lo[j] + m;
            System.arraycopy(cs.qVec, i * d, qv, j * d, d);
        }
        long[] pos = new long[nq * k];
        if (cx.emulate) {
            gpu.runNative(true, d, cx.params.halfWindow(), k, rp, rv, 0, rp.length, nq, ins, lo, hi, qv, count, dist,
                    pos);
        } else {
            gpu.run(d, cx.params.halfWindow(), k, rp, rv, 0, rp.length, nq, ins, lo, hi, qv, count, dist, pos);
        }
        int[] r = new int[2];
        for (int j = 0; j < nq; j++) {
            for (int e = 0; e < count[j]; e++) {
                keyIdx[j * k + e] = Arrays.binarySearch(cs.keyPos, 0, cs.nk, pos[j * k + e]);
            }
            w.restOf(qs, qs.order[from + j], r);
            rest[2 * j] = r[0];
            rest[2 * j + 1] = r[1];
        }
    }

    /** The end of the block of {@code qs.order} from {@code from}: at most {@code max} queries, all of one level. */
    static int levelBlockEnd(SiteWindows w, SiteWindows.Queries qs, int from, int max) {
        int level = w.levelOf(qs, qs.order[from]);
        int to = from + 1;
        while (to < qs.count && to - from < max && w.levelOf(qs, qs.order[to]) == level) {
            to++;
        }
        return to;
    }

    // ------------------------------------------------------------------------------------------ step 1

    /**
     * Step 1 at every site: the curve-0 windows of the queries this site is home to (the walks that
     * leave the site go to the neighbours; each query's k-th candidate goes to its position block,
     * whose own chunk then sends only what can still win); and, as the site of some super-blocks,
     * their chunks' running sums (back to each chunk's partition) and totals (to the driver).
     */
    static VarPart first(SitePart site, Iterator<Batch> inbox, SitePlan.Context cx) {
        io.zetaspark.job.plan.FaultInjection.at("window");
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
            double[] kth = new double[home.nq];
            long[] kthPos = new long[home.nq];
            io.zetaspark.kernels.gpu.GpuWindowBatch gpu = gpu(cx);
            for (int r = 0; gpu != null && r < qs.count; ) {
                int to = levelBlockEnd(w, qs, r, QUERY_BLOCK);
                int[] cnt = new int[to - r];
                double[] gd = new double[(to - r) * k];
                int[] gi = new int[(to - r) * k];
                int[] gr = new int[2 * (to - r)];
                gpuWindows(gpu, cx, home, w, qs, r, to, cnt, gd, gi, gr);
                for (int j = 0; j < to - r; j++) {
                    int i = qs.order[r + j];
                    System.arraycopy(gi, j * k, l.ref, i * k, cnt[j]);
                    l.count[i] = cnt[j];
                    if (cnt[j] == k) {
                        kth[i] = gd[j * k + k - 1];
                        kthPos[i] = home.keyPos[gi[j * k + k - 1]];
                    }
                    rest[0] = gr[2 * j];
                    rest[1] = gr[2 * j + 1];
                    walksOut += walks(out::to, info, 0, site.partition, w.levelOf(qs, i), home.qPos[i], home.qVec,
                            i * d, d, rest, site.partition, cx, false, 0, 0);
                }
                r = to;
            }
            for (int r = 0; gpu == null && r < qs.count; r++) {
                int i = qs.order[r];
                w.select(qs, i, home.qVec, i * d, k, top, rest);
                int c = top.drainSorted(dist, idx, null, 0);
                for (int j = 0; j < c; j++) {
                    l.ref[i * k + j] = (int) idx[j];
                }
                l.count[i] = c;
                if (c == k) {
                    kth[i] = dist[k - 1];
                    kthPos[i] = home.keyPos[(int) idx[k - 1]];
                }
                walksOut += walks(out::to, info, 0, site.partition, w.levelOf(qs, i), home.qPos[i], home.qVec, i * d, d,
                        rest, site.partition, cx, false, 0, 0);
            }
            // the k-th candidate of every query that has k, to its position block and its other curves'
            // sites: what comes after it there cannot be among its best k
            io.zetaspark.kernels.ShiftedCurves sc = new io.zetaspark.kernels.ShiftedCurves(d, cx.params);
            long[] scratch = new long[d];
            int curves = cx.params.curves();
            long m = cx.params.chunkSize();
            for (int i = 0; i < home.nq; i++) {
                if (l.count[i] == k) {
                    long qpos = home.qPos[i];
                    long spos = cx.params.causal() ? Math.floorDiv(qpos, m) * m : Long.MAX_VALUE;
                    boolean windows = w.level(qpos) >= 1;
                    for (int c = 0; c < (windows ? curves : 1); c++) {
                        int target = c == 0 ? info.blockOf(qpos) : info.site(c, sc.code(c, home.qVec, i * d, scratch), spos);
                        Batch.Writer bw = out.to(target);
                        bw.kind(Batch.Kind.BOUND | c << 4);
                        bw.seqPos(seq, qpos);
                        bw.f64(kth[i]);
                        bw.zigzag(qpos - kthPos[i]);
                    }
                }
            }
        }
        // the chunk totals of the super-blocks this site sums
        Map<Integer, TreeMap<Long, Object[]>> chunks = new HashMap<>();
        int w = d + cx.dv;
        while (inbox.hasNext()) {
            Batch b = inbox.next();
            Batch.Reader r = new Batch.Reader(b);
            while (r.more()) {
                int kind = r.kind();
                r.seqPos();
                if (kind != Batch.Kind.CHUNK) {
                    throw new IllegalStateException("unexpected record kind " + kind + " in step 1");
                }
                long count = r.varLong();
                double[] sum = new double[w];
                r.doubles(sum, 0, w);
                chunks.computeIfAbsent(r.seq, x -> new TreeMap<>()).put(r.pos, new Object[] {count, sum, b.source});
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
        return new VarPart(tops, pending, out.records(), new HashMap<>(), new ArrayList<>(), new HashMap<>(),
                superTotals, walksOut);
    }

    // ------------------------------------------------------------------------------------------ later steps

    /**
     * A later step: lists reaching their homes are merged (in place: see {@link #mergeList}), walks
     * reaching a site continue there (their candidates go to the query's home, what is still needed
     * to the next site holding an eligible key), and the bounds, chunk bases and value requests that
     * reach a position block are kept for its later sends.
     */
    static VarPart next(SitePart site, VarPart prev, Iterator<Batch> inbox, SitePlan.Context cx) {
        io.zetaspark.job.plan.FaultInjection.at("merge");
        int d = cx.d;
        int k = cx.params.k();
        Map<Integer, Lists> tops = new HashMap<>(prev.tops);
        java.util.Set<Integer> copied = new java.util.HashSet<>();
        Map<Integer, DistCache> caches = new HashMap<>();
        Map<Integer, Map<Long, ChunkBase>> bases = new HashMap<>(prev.bases);
        java.util.Set<Integer> basesCopied = new java.util.HashSet<>();
        List<Batch> fetches = new ArrayList<>(prev.fetches);
        Map<Long, long[][]> boundRows = new HashMap<>();
        Map<Long, int[]> boundCount = new HashMap<>();
        Pending out = new Pending(site.partition);
        TopK top = new TopK(k);
        MergeScratch scratch = new MergeScratch(k, cx.params.halfWindow());
        float[] q = new float[d];
        long walksOut = 0;
        int w = d + cx.dv;
        int[] keptOut = new int[1];
        int walkTakenMax = 0;
        int walkSitesMax = 0;
        int half = cx.params.halfWindow();
        int[] walkRank = new int[half];
        int[] walkId = new int[half];
        double[] walkDist = new double[half];
        boolean[] walkRemote = new boolean[half];
        List<WalkPiece> pieces = new ArrayList<>();
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
                        CurveSite home = site.get(r.seq, 0);
                        mergeList(r, home, writable(tops, prev.tops, copied, r.seq), scratch, d,
                                caches.computeIfAbsent(r.seq, s -> new DistCache(home.nq, k)));
                        break;
                    }
                    case Batch.Kind.WALK: {
                        int curve = kind >>> 4;
                        long qpos = r.pos;
                        int level = (int) r.varLong();
                        int flags = r.u8();
                        boolean down = (flags & 1) == 0;
                        boolean bounded = (flags & 2) != 0;
                        int need = (int) r.varLong();
                        int rank = (int) r.varLong();
                        int home = (int) r.varLong();
                        r.floats(q, 0, d);
                        double boundDist = bounded ? r.f64() : Double.POSITIVE_INFINITY;
                        long boundPos = bounded ? qpos - r.zigzag() : Long.MAX_VALUE;
                        CurveSite cs = site.get(r.seq, curve);
                        int taken = 0;
                        int kept = 0;
                        if (cs != null && cs.nk > 0) {
                            SiteWindows sw = cs.windows(cx, cx.seq(r.seq));
                            if (walkRank.length < need) {
                                throw new IllegalStateException("a walk needs " + need + " keys, more than W/2");
                            }
                            taken = sw.continueRanked(level, down, need, qpos, q, 0, boundDist,
                                    bounded ? sw.boundIndex(boundPos) : Long.MAX_VALUE, walkRank, walkId, walkDist,
                                    keptOut);
                            walkTakenMax = Math.max(walkTakenMax, taken);
                            kept = keptOut[0];
                            for (int j = 0; j < kept; j++) {
                                walkRemote[j] = (curve == 0 ? site.partition : cs.keyHome[walkId[j]]) != home;
                            }
                        }
                        walkSitesMax = Math.max(walkSitesMax, rank + 1);
                        Batch.Writer bw = out.to(home);
                        bw.kind(Batch.Kind.WALKED | curve << 4);
                        bw.seqPos(r.seq, qpos);
                        bw.u8(down ? 0 : 1);
                        bw.varLong(need);
                        bw.varLong(rank);
                        bw.varLong(taken);
                        bw.varLong(kept);
                        for (int j = 0; j < kept; j += 8) {
                            int bits = 0;
                            for (int b2 = 0; b2 < 8 && j + b2 < kept; b2++) {
                                if (walkRemote[j + b2]) {
                                    bits |= 1 << b2;
                                }
                            }
                            bw.u8(bits);
                        }
                        for (int j = 0; j < kept; j++) {
                            bw.varLong(walkRank[j]);
                            bw.zigzag(qpos - cs.keyPos[walkId[j]]);
                            if (walkRemote[j]) {
                                bw.f64(walkDist[j]);
                            }
                        }
                        walksOut++;
                        break;
                    }
                    case Batch.Kind.WALKED:
                        pieces.add(WalkPiece.read(r, kind >>> 4, site.get(r.seq, 0)));
                        break;
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
                    case Batch.Kind.BOUND: {
                        long key = (long) r.seq << 4 | (kind >>> 4);
                        long[][] rows = boundRows.computeIfAbsent(key, x -> new long[3][64]);
                        int[] n = boundCount.computeIfAbsent(key, x -> new int[1]);
                        if (n[0] == rows[0].length) {
                            for (int c = 0; c < 3; c++) {
                                rows[c] = Arrays.copyOf(rows[c], n[0] * 2);
                            }
                        }
                        rows[0][n[0]] = r.pos;
                        rows[1][n[0]] = Double.doubleToRawLongBits(r.f64());
                        rows[2][n[0]] = r.pos - r.zigzag();
                        n[0]++;
                        break;
                    }
                    default:
                        throw new IllegalStateException("unexpected record kind " + kind + " in a step");
                }
            }
        }
        for (WalkPiece p : pieces) {
            writable(tops, prev.tops, copied, p.seq);
        }
        mergeWalks(site, tops, pieces, scratch, d, caches);
        // the bounds serve the sends right after the step that received them, then are dropped
        Map<Integer, VarPart.Bounds[]> bounds = new HashMap<>();
        if (!boundRows.isEmpty()) {
            for (Map.Entry<Long, long[][]> e : boundRows.entrySet()) {
                int n = boundCount.get(e.getKey())[0];
                long[][] rows = e.getValue();
                int[] order = io.zetaspark.kernels.LongIndexSort.sortedOrder(Arrays.copyOf(rows[0], n));
                long[] p = new long[n];
                double[] bd = new double[n];
                long[] bp = new long[n];
                for (int j = 0; j < n; j++) {
                    p[j] = rows[0][order[j]];
                    bd[j] = Double.longBitsToDouble(rows[1][order[j]]);
                    bp[j] = rows[2][order[j]];
                }
                int seq = (int) (e.getKey() >>> 4);
                VarPart.Bounds[] bs = bounds.get(seq);
                bs = bs == null ? new VarPart.Bounds[cx.params.curves()] : bs.clone();
                bs[(int) (e.getKey() & 0xF)] = new VarPart.Bounds(p, bd, bp);
                bounds.put(seq, bs);
            }
        }
        List<Tuple2<Integer, Batch>> pending = out.finish();
        VarPart v = new VarPart(tops, pending, out.records(), bases, fetches, bounds, List.of(), walksOut);
        v.walkTakenMax = walkTakenMax;
        v.walkSitesMax = walkSitesMax;
        return v;
    }

    /** A sequence's lists this step may change: copied from the previous step's on first use. */
    private static Lists writable(Map<Integer, Lists> tops, Map<Integer, Lists> prev, java.util.Set<Integer> copied,
                                  int seq) {
        if (copied.add(seq)) {
            tops.put(seq, prev.get(seq).copy());
        }
        return tops.get(seq);
    }

    // ------------------------------------------------------------------------------------------ sends

    /**
     * The sends after a step: what the step left pending and, after step 1, the windows of the curves
     * above 0 (computed here, on the way out, so that their lists are never held); after step 2, the
     * own-chunk lists (the bounds have arrived); once every list has reached its home, the requests
     * for the values the homes do not hold.
     */
    static Iterator<Tuple2<Integer, Batch>> sends(SitePart site, PosPart pos, VarPart var, SitePlan.Phase phase,
                                                 SitePlan.Context cx) {
        Iterator<Tuple2<Integer, Batch>> pending = counted(var.pending.iterator(), cx.counters);
        Outbox more;
        switch (phase) {
            case SECOND:
                io.zetaspark.job.plan.FaultInjection.at("window");
                return concat(pending, concat(curveWindows(site, var, cx), pos.ownSends(cx, var.bounds)));
            case FETCH:
                more = fetches(site, var, cx);
                break;
            default:
                return pending;
        }
        return concat(pending, more);
    }

    /** The pending batches, counted as they leave (the outboxes count their own). */
    private static Iterator<Tuple2<Integer, Batch>> counted(Iterator<Tuple2<Integer, Batch>> it, SiteCounters counters) {
        return new Iterator<Tuple2<Integer, Batch>>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<Integer, Batch> next() {
                Tuple2<Integer, Batch> t = it.next();
                if (counters != null) {
                    counters.sent(t._2.records, t._2.data.length);
                }
                return t;
            }
        };
    }

    private static <T> Iterator<T> concat(Iterator<T> a, Iterator<T> b) {
        return new Iterator<T>() {
            @Override
            public boolean hasNext() {
                return a.hasNext() || b.hasNext();
            }

            @Override
            public T next() {
                return a.hasNext() ? a.next() : b.next();
            }
        };
    }

    /** Queries per unit of work of {@link #curveWindows}. */
    private static final int QUERY_BLOCK = 4096;

    /**
     * The windows of every curve above 0 at this site, each query's candidates kept only before the
     * bound its home sent: lists to the queries' homes, walks to the neighbours.
     */
    private static Outbox curveWindows(SitePart site, VarPart var, SitePlan.Context cx) {
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
            private boolean[] bounded;
            private double[] boundDist;
            private long[] boundIndex;
            private long[] boundPos;
            private int r;

            private long boundPosOf(int i) {
                return boundPos[i];
            }
            private final TopK top = new TopK(k);
            private final int[] rest = new int[2];
            private final double[] dist = new double[k];
            private final long[] idx = new long[k];
            private final long[] kpos = new long[k];
            private final boolean[] remote = new boolean[k];
            private final int[] rowOf = new int[k];
            private final io.zetaspark.kernels.gpu.GpuWindowBatch gpu = gpu(cx);

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
                    // each query's bound (its home's k-th candidate), aligned with the queries
                    VarPart.Bounds[] all = var.bounds.get(cs.seq);
                    VarPart.Bounds bs = all == null ? null : all[cs.curve];
                    bounded = new boolean[cs.nq];
                    boundDist = new double[cs.nq];
                    long[] boundPos = new long[cs.nq];
                    for (int i = 0, b = 0; bs != null && i < cs.nq; i++) {
                        while (b < bs.pos.length && bs.pos[b] < cs.qPos[i]) {
                            b++;
                        }
                        if (b < bs.pos.length && bs.pos[b] == cs.qPos[i]) {
                            bounded[i] = true;
                            boundDist[i] = bs.dist[b];
                            boundPos[i] = bs.keyPos[b];
                        }
                    }
                    boundIndex = w.boundIndexes(boundPos, cs.nq);
                    this.boundPos = boundPos;
                    r = 0;
                }
                if (gpu != null) {
                    int to = levelBlockEnd(w, qs, r, QUERY_BLOCK);
                    int[] cnt = new int[to - r];
                    double[] gd = new double[(to - r) * k];
                    int[] gi = new int[(to - r) * k];
                    int[] gr = new int[2 * (to - r)];
                    gpuWindows(gpu, cx, cs, w, qs, r, to, cnt, gd, gi, gr);
                    for (int j = 0; j < to - r; j++) {
                        int i = qs.order[r + j];
                        int home = cs.qHome[i];
                        for (int e = 0; e < cnt[j]; e++) {
                            kpos[e] = cs.keyPos[gi[j * k + e]];
                            remote[e] = cs.keyHome[gi[j * k + e]] != home;
                        }
                        if (cnt[j] > 0) {
                            writeList(to(home), cs.seq, cs.qPos[i], cnt[j], Arrays.copyOfRange(gd, j * k, j * k + k),
                                    kpos, remote);
                        }
                        rest[0] = gr[2 * j];
                        rest[1] = gr[2 * j + 1];
                        walks(this::to, info, cs.curve, site.partition, w.levelOf(qs, i), cs.qPos[i], cs.qVec, i * d,
                                d, rest, home, cx, false, 0, 0);
                    }
                    r = to;
                    return true;
                }
                int to = Math.min(qs.count, r + QUERY_BLOCK);
                for (; r < to; r++) {
                    int i = qs.order[r];
                    int home = cs.qHome[i];
                    if (bounded[i]) {
                        w.selectBefore(qs, i, cs.qVec, i * d, k, boundDist[i], boundIndex[i], top, rest);
                    } else {
                        w.select(qs, i, cs.qVec, i * d, k, top, rest);
                    }
                    int c = top.drainSorted(dist, null, rowOf, 0);
                    if (c > 0) {
                        int level = w.levelOf(qs, i);
                        long[] rp = w.runPositions(level);
                        int[] rh = cs.runHome(cx, info, level);
                        for (int j = 0; j < c; j++) {
                            kpos[j] = rp[rowOf[j]];
                            remote[j] = rh[rowOf[j]] != home;
                        }
                        writeList(to(home), cs.seq, cs.qPos[i], c, dist, kpos, remote);
                    }
                    walks(this::to, info, cs.curve, site.partition, w.levelOf(qs, i), cs.qPos[i], cs.qVec, i * d, d,
                            rest, home, cx, bounded[i], boundDist[i], boundPosOf(i));
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
                        if (l.ref[i * l.k + j] < 0) {
                            long p = l.pos(i, j, home);
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

    /** A home's keys as records of d components and dv values, with room for {@code extra} more records. */
    private static float[] records(CurveSite home, int d, int dv, int extra) {
        int stride = d + dv;
        float[] out = new float[(home.nk + extra) * stride];
        for (int i = 0; i < home.nk; i++) {
            System.arraycopy(home.keyVec, i * d, out, i * stride, d);
            System.arraycopy(home.keyVal, i * dv, out, i * stride + d, dv);
        }
        return out;
    }

    /**
     * The outputs of the queries this site is home to: the selected keys' values (held here, or sent
     * by the partitions that hold them), the mean slot sent by each query's position block, then the
     * weights and output of {@link Attention}, the engine's own arithmetic. With the mean slot on, a
     * query's output is written when its mean arrives; the values are read first.
     */
    static Iterator<InternalRow> outputs(SitePart site, VarPart var, Iterator<Batch> values, Iterator<Batch> means,
                                         SitePlan.Context cx, ZetaColumns cols, boolean longSeq) {
        io.zetaspark.job.plan.FaultInjection.at("final");
        int d = cx.d;
        int dv = cx.dv;
        int k = cx.params.k();
        // per sequence, one record per key: its components then its value (the home's keys, then the values
        // sent from elsewhere, whose components are not needed: their distances came with them), so that a
        // selected key's distance and value are read from one place; and an index of the values from elsewhere
        int stride = d + dv;
        Map<Integer, long[]> rpos = new HashMap<>();
        Map<Integer, float[]> kv = new HashMap<>();
        Map<Integer, int[]> rcount = new HashMap<>();
        while (values.hasNext()) {
            Batch.Reader r = new Batch.Reader(values.next());
            while (r.more()) {
                r.kind();
                r.seqPos();
                CurveSite home = site.get(r.seq, 0);
                int[] cnt = rcount.computeIfAbsent(r.seq, s -> new int[1]);
                long[] ps = rpos.computeIfAbsent(r.seq, s -> new long[64]);
                float[] vs = kv.computeIfAbsent(r.seq, s -> records(home, d, dv, 64));
                if (cnt[0] == ps.length) {
                    ps = Arrays.copyOf(ps, cnt[0] * 2);
                    rpos.put(r.seq, ps);
                }
                if ((long) (home.nk + cnt[0] + 1) * stride > vs.length) {
                    vs = Arrays.copyOf(vs, (home.nk + cnt[0] * 2 + 1) * stride);
                    kv.put(r.seq, vs);
                }
                ps[cnt[0]] = r.pos;
                r.floats(vs, (home.nk + cnt[0]) * stride + d, dv);
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
        int[] valOff = new int[k];
        float[] out = new float[dv];
        float[] nbrW = new float[k];
        long[] nbrPos = new long[k];
        double[] dist = new double[k];
        double[] meanV = new double[dv];

        class Emit {
            InternalRow row(int seq, int i, boolean hasMean, double meanDist) {
                SeqInfo info = cx.seq(seq);
                CurveSite home = site.get(seq, 0);
                Lists l = var.tops.get(seq);
                int cnt = l.count[i];
                int base = i * k;
                float[] vs = kv.computeIfAbsent(seq, s -> records(home, d, dv, 0));
                for (int j = 0; j < cnt; j++) {
                    long p = l.pos(i, j, home);
                    int ki = l.ref[base + j];
                    if (ki < 0) {
                        dist[j] = l.sideDist[-1 - ki];
                        PosIndex ix = rindex.get(seq);
                        int ri = ix == null ? -1 : ix.get(p);
                        if (ri < 0) {
                            throw new IllegalStateException("no value arrived for seq " + info.name + " pos " + p);
                        }
                        ki = home.nk + ri;
                    } else {
                        dist[j] = io.zetaspark.kernels.Distances.squared(home.qVec, i * d, vs, ki * stride, d);
                    }
                    valOff[j] = ki * stride + d;
                    nbrPos[j] = p;
                }
                Arrays.fill(nbrW, 0, cnt, 0.0f);
                att.apply(cnt, dist, 0, vs, valOff, hasMean, meanDist, meanV, out, 0, nbrW, 0);
                double nn = cnt == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(dist[0]);
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
