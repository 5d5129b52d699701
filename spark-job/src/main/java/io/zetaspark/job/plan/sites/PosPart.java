package io.zetaspark.job.plan.sites;

import io.zetaspark.job.plan.rows.RoutedRows;
import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.MeanSums;
import io.zetaspark.kernels.NestedLevels;
import io.zetaspark.kernels.OwnChunk;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.TopK;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A partition's position blocks: the tokens of every site-routed sequence that the validation
 * shuffle put in this partition, whole chunks in position order (the blocks are chunk-aligned).
 * The position role of a site works here: it sends every token's key and query to the curve sites,
 * scores each query's own chunk exactly, adds up chunk totals for the mean slot, and at the end sends
 * each query its mean slot and answers requests for values.
 */
final class PosPart implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final int[] seq;
    final long[][] pos;
    final float[][] q;
    final float[][] k;
    final float[][] v;
    /** Per block, the position ranges this partition holds (for sequences without a block formula). */
    final long[][] ranges;

    private PosPart(int partition, int[] seq, long[][] pos, float[][] q, float[][] k, float[][] v, long[][] ranges) {
        this.partition = partition;
        this.seq = seq;
        this.pos = pos;
        this.q = q;
        this.k = k;
        this.v = v;
        this.ranges = ranges;
    }

    /** A partition that holds no position block (a site beyond the validation shuffle's partitions). */
    static PosPart empty(int partition) {
        return new PosPart(partition, new int[0], new long[0][], new float[0][], new float[0][], new float[0][],
                new long[0][]);
    }

    /**
     * The rows of the site-routed sequences named in {@code ids} (name → id), from the validation
     * shuffle's rows (RoutedRows layout, sorted by (seq, queryFrom, pos)); a split sequence's rows
     * below their part's first query are copies that another part owns and are skipped.
     */
    static PosPart read(int partition, Iterator<InternalRow> rows, Map<String, Integer> ids, boolean longSeq, int d,
                        int dv) {
        List<Builder> blocks = new ArrayList<>();
        RoutedRows.SeqKey key = new RoutedRows.SeqKey(longSeq);
        Builder current = null;
        boolean kept = false;
        boolean newGroup = false;
        long queryFrom = Long.MIN_VALUE;
        java.util.Map<Integer, Builder> byId = new java.util.HashMap<>();
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            if (!key.matches(r)) {
                key.take(r);
                Integer id = key.isNull() ? null : ids.get(key.string());
                kept = id != null;
                if (kept) {
                    current = byId.get(id);
                    if (current == null) {
                        current = new Builder(id, d, dv);
                        byId.put(id, current);
                        blocks.add(current);
                    }
                }
                newGroup = true;
            }
            if (!kept) {
                continue;
            }
            long p = r.getLong(RoutedRows.POS);
            long from = r.getLong(RoutedRows.QUERY_FROM);
            if (p < from) {
                continue;
            }
            if (newGroup || from != queryFrom) {
                newGroup = false;
                queryFrom = from;
                current.newRange(p);
            }
            current.add(p, r);
        }
        int nb = blocks.size();
        int[] seq = new int[nb];
        long[][] pos = new long[nb][];
        float[][] q = new float[nb][];
        float[][] k = new float[nb][];
        float[][] v = new float[nb][];
        long[][] ranges = new long[nb][];
        blocks.sort((a, b) -> Integer.compare(a.id, b.id));
        for (int b = 0; b < nb; b++) {
            Builder x = blocks.get(b);
            seq[b] = x.id;
            pos[b] = Arrays.copyOf(x.pos, x.n);
            q[b] = Arrays.copyOf(x.q, x.n * d);
            k[b] = Arrays.copyOf(x.k, x.n * d);
            v[b] = Arrays.copyOf(x.v, x.n * dv);
            ranges[b] = x.ranges();
        }
        return new PosPart(partition, seq, pos, q, k, v, ranges);
    }

    private static final class Builder {
        final int id;
        final int d;
        final int dv;
        long[] pos = new long[1024];
        float[] q;
        float[] k;
        float[] v;
        int n;
        long[] rangeLo = new long[4];
        int nr;

        Builder(int id, int d, int dv) {
            this.id = id;
            this.d = d;
            this.dv = dv;
            q = new float[1024 * d];
            k = new float[1024 * d];
            v = new float[1024 * dv];
        }

        void newRange(long p) {
            if (nr == rangeLo.length) {
                rangeLo = Arrays.copyOf(rangeLo, nr * 2);
            }
            rangeLo[nr++] = p;
        }

        void add(long p, InternalRow r) {
            if (n == pos.length) {
                int cap = n * 2;
                pos = Arrays.copyOf(pos, cap);
                q = Arrays.copyOf(q, cap * d);
                k = Arrays.copyOf(k, cap * d);
                v = Arrays.copyOf(v, cap * dv);
            }
            pos[n] = p;
            RoutedRows.copyFloats(r.getArray(RoutedRows.Q), d, q, n * d);
            RoutedRows.copyFloats(r.getArray(RoutedRows.K), d, k, n * d);
            RoutedRows.copyFloats(r.getArray(RoutedRows.V), dv, v, n * dv);
            n++;
        }

        /** (first, last) position of each range in order. */
        long[] ranges() {
            long[] out = new long[2 * nr];
            for (int i = 0; i < nr; i++) {
                out[2 * i] = rangeLo[i];
                long next = i + 1 < nr ? rangeLo[i + 1] : Long.MAX_VALUE;
                int at = java.util.Arrays.binarySearch(pos, 0, n, next);
                int last = (at >= 0 ? at : -at - 1) - 1;
                out[2 * i + 1] = pos[last];
            }
            return out;
        }
    }

    int block(int seqId) {
        return Arrays.binarySearch(seq, seqId);
    }

    /** What the driver learns from one partition: per block, its count, range and a sample of codes. */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        int partition;
        int[] seq;
        long[] count;
        long[] min;
        long[] max;
        long[][] ranges;
        /** Per block: per sampled token, per curve: key code, key pos, query code, query cut (4 longs). */
        long[][] samples;
    }

    /** Roughly this many sampled tokens per site and curve: split points within a few percent of even. */
    static final int SAMPLES_PER_SITE = 64;

    Summary summary(ZetaParams params, int d, Map<Integer, Long> counts, int sites) {
        ShiftedCurves sc = new ShiftedCurves(d, params);
        int curves = sc.curves();
        long m = params.chunkSize();
        Summary s = new Summary();
        int nb = seq.length;
        s.partition = partition;
        s.seq = seq.clone();
        s.count = new long[nb];
        s.min = new long[nb];
        s.max = new long[nb];
        s.ranges = ranges;
        s.samples = new long[nb][];
        long[] qc = new long[curves];
        long[] kc = new long[curves];
        long[] scratch = new long[d];
        for (int b = 0; b < nb; b++) {
            int n = pos[b].length;
            s.count[b] = n;
            s.min[b] = n == 0 ? Long.MAX_VALUE : pos[b][0];
            s.max[b] = n == 0 ? Long.MIN_VALUE : pos[b][n - 1];
            long total = counts.getOrDefault(seq[b], (long) n);
            long every = Math.max(1, total / ((long) SAMPLES_PER_SITE * sites));
            long[] out = new long[16];
            int at = 0;
            for (int i = 0; i < n; i++) {
                long p = pos[b][i];
                if (Long.remainderUnsigned(ShiftedCurves.splitMix64(p ^ 0x5EEDL), every) != 0) {
                    continue;
                }
                sc.encodeAll(q[b], i * d, qc, 0, scratch);
                sc.encodeAll(k[b], i * d, kc, 0, scratch);
                long spos = params.causal() ? Math.floorDiv(p, m) * m : Long.MAX_VALUE;
                if (at + 4 * curves > out.length) {
                    out = Arrays.copyOf(out, Math.max(out.length * 2, at + 4 * curves));
                }
                for (int c = 0; c < curves; c++) {
                    out[at++] = kc[c];
                    out[at++] = p;
                    out[at++] = qc[c];
                    out[at++] = spos;
                }
            }
            s.samples[b] = Arrays.copyOf(out, at);
        }
        return s;
    }

    /**
     * A walk over this partition's chunks, one chunk per unit of work: the base of the first sends.
     */
    private abstract class ChunkWalk extends Outbox {
        final SitePlan.Context cx;
        final int d;
        final int dv;
        final long m;
        final boolean causal;
        private int b;
        private int at;

        ChunkWalk(SitePlan.Context cx) {
            super(cx.partitions, partition, cx.counters);
            this.cx = cx;
            this.d = cx.d;
            this.dv = cx.dv;
            this.m = cx.params.chunkSize();
            this.causal = cx.params.causal();
        }

        /** Sends what one chunk of block {@code b} ({@code [from, to)}) sends. */
        abstract void chunk(int b, SeqInfo info, long chunk, int from, int to);

        @Override
        final boolean produce() {
            while (b < seq.length && at >= pos[b].length) {
                b++;
                at = 0;
            }
            if (b >= seq.length) {
                return false;
            }
            long[] p = pos[b];
            int from = at;
            long chunk = Math.floorDiv(p[from], m);
            int to = from;
            while (to < p.length && Math.floorDiv(p[to], m) == chunk) {
                to++;
            }
            at = to;
            chunk(b, cx.seq(seq[b]), chunk, from, to);
            return true;
        }
    }

    /**
     * Every token's key to its site on each curve (with its value on curve 0, whose sites are the
     * queries' homes), and its query to its site on each curve where it has a window (always on
     * curve 0: the home gathers the query's candidates and computes its output).
     */
    Outbox keySends(SitePlan.Context cx) {
        return new ChunkWalk(cx) {
            private final int curves = cx.params.curves();
            private final ShiftedCurves sc = new ShiftedCurves(d, cx.params);
            private final long[] qc = new long[curves];
            private final long[] kc = new long[curves];
            private final long[] scratch = new long[d];

            @Override
            void chunk(int b, SeqInfo info, long chunk, int from, int to) {
                long[] p = pos[b];
                long spos = causal ? chunk * m : Long.MAX_VALUE;
                int level = causal ? NestedLevels.queryLevel(chunk - info.base) : 1;
                for (int i = from; i < to; i++) {
                    sc.encodeAll(q[b], i * d, qc, 0, scratch);
                    sc.encodeAll(k[b], i * d, kc, 0, scratch);
                    for (int c = 0; c < curves; c++) {
                        Batch.Writer w = to(info.site(c, kc[c], p[i]));
                        w.kind(Batch.Kind.KEY | c << 4);
                        w.seqPos(info.id, p[i]);
                        w.floats(k[b], i * d, d);
                        if (c == 0) {
                            w.floats(v[b], i * dv, dv);
                        }
                        if (c == 0 || level >= 1) {
                            Batch.Writer wq = to(info.site(c, qc[c], spos));
                            wq.kind(Batch.Kind.QUERY | c << 4);
                            wq.seqPos(info.id, p[i]);
                            wq.floats(q[b], i * d, d);
                        }
                    }
                }
            }
        };
    }

    /** Each chunk's totals (count, keys and values added in position order) to its super-block's site (mean slot). */
    Outbox chunkSends(SitePlan.Context cx) {
        return new ChunkWalk(cx) {
            @Override
            void chunk(int b, SeqInfo info, long chunk, int from, int to) {
                if (!cx.params.meanSlot()) {
                    return;
                }
                double[] sum = new double[d + dv];
                for (int i = from; i < to; i++) {
                    MeanSums.addToken(sum, k[b], i * d, d, v[b], i * dv, dv);
                }
                Batch.Writer w = to(info.superSite(Math.floorDiv(chunk, m), cx.partitions));
                w.kind(Batch.Kind.CHUNK);
                w.seqPos(info.id, chunk);
                w.varLong(to - from);
                w.doubles(sum, 0, sum.length);
            }
        };
    }

    /**
     * Each query's own-chunk candidates (its chunk's eligible keys, exactly) to its home: only those
     * before the k-th candidate its home found on curve 0 (the bound; none: all of them), so most
     * queries of a long sequence send nothing. The distance travels only for keys whose value lives at
     * another home; the home recomputes the rest from the keys it holds.
     */
    Outbox ownSends(SitePlan.Context cx, Map<Integer, VarPart.Bounds[]> bounds) {
        return new ChunkWalk(cx) {
            private final boolean self = cx.params.includeSelf();
            private final int kk = cx.params.k();
            private final ShiftedCurves sc = new ShiftedCurves(d, cx.params);
            private final long[] scratch = new long[d];
            private final TopK top = new TopK(kk);
            private final double[] dist = new double[kk];
            private final long[] kpos = new long[kk];
            private final int[] kidx = new int[kk];
            private final boolean[] remote = new boolean[kk];
            private int[] keyHome = new int[0];

            @Override
            void chunk(int b, SeqInfo info, long chunk, int from, int to) {
                long[] p = pos[b];
                VarPart.Bounds[] all = bounds.get(info.id);
                VarPart.Bounds bd = all == null ? null : all[0];
                int at = bd == null ? 0 : Math.max(0, java.util.Arrays.binarySearch(bd.pos, p[from]));
                if (keyHome.length < to - from) {
                    keyHome = new int[to - from];
                }
                boolean homesKnown = false;
                long spos = causal ? chunk * m : Long.MAX_VALUE;
                for (int i = from; i < to; i++) {
                    top.reset(kk);
                    int end = OwnChunk.end(i, to, causal, self);
                    while (bd != null && at < bd.pos.length && bd.pos[at] < p[i]) {
                        at++;
                    }
                    if (bd != null && at < bd.pos.length && bd.pos[at] == p[i]) {
                        OwnChunk.offerBefore(p, k[b], d, from, end, self ? -1 : i, q[b], i * d, bd.dist[at],
                                bd.keyPos[at], top);
                    } else {
                        OwnChunk.offer(p, k[b], d, from, end, self ? -1 : i, q[b], i * d, top);
                    }
                    int cnt = top.drainSorted(dist, kpos, kidx, 0);
                    if (cnt == 0) {
                        continue;
                    }
                    if (!homesKnown) {
                        for (int j = from; j < to; j++) {
                            keyHome[j - from] = info.site(0, sc.code(0, k[b], j * d, scratch), p[j]);
                        }
                        homesKnown = true;
                    }
                    int home = info.site(0, sc.code(0, q[b], i * d, scratch), spos);
                    for (int j = 0; j < cnt; j++) {
                        remote[j] = keyHome[kidx[j] - from] != home;
                    }
                    SiteSteps.writeList(to(home), info.id, p[i], cnt, dist, kpos, remote);
                }
            }
        };
    }

    /** The values that other sites asked for ({@code requests}: FETCH batches received). */
    Outbox values(SitePlan.Context cx, List<Batch> requests) {
        return new Outbox(cx.partitions, partition, cx.counters) {
            private int next;

            @Override
            boolean produce() {
                if (next >= requests.size()) {
                    return false;
                }
                Batch req = requests.get(next++);
                Batch.Reader r = new Batch.Reader(req);
                Batch.Writer w = to(req.source);
                int dv = cx.dv;
                while (r.more()) {
                    r.kind();
                    r.seqPos();
                    int b = block(r.seq);
                    int i = b < 0 ? -1 : Arrays.binarySearch(pos[b], r.pos);
                    if (i < 0) {
                        throw new IllegalStateException("partition " + partition + " holds no token at seq "
                                + cx.seq(r.seq).name + " pos " + r.pos + " (asked by partition " + req.source + ")");
                    }
                    w.kind(Batch.Kind.VALUE);
                    w.seqPos(r.seq, r.pos);
                    w.floats(v[b], i * dv, dv);
                }
                return true;
            }
        };
    }

    /**
     * Every query's mean slot (docs/ALGORITHM.md): the hierarchical prefix of the eligible keys and
     * values — the super-block's base from the driver, the chunk's base from its super-block's site,
     * the own chunk's running sum here — as its mean key's distance and mean value, sent to its home.
     */
    Outbox means(SitePlan.Context cx, Map<Integer, Map<Long, ChunkBase>> bases) {
        return new Outbox(cx.partitions, partition, cx.counters) {
            private final int d = cx.d;
            private final int dv = cx.dv;
            private final int w = d + dv;
            private final long m = cx.params.chunkSize();
            private final boolean causal = cx.params.causal();
            private final boolean self = cx.params.includeSelf();
            private final ShiftedCurves sc = new ShiftedCurves(d, cx.params);
            private final long[] scratch = new long[d];
            private final double[] own = new double[w];
            private final double[] sum = new double[w];
            private final double[] meanK = new double[d];
            private final double[] meanV = new double[dv];
            private int b;
            private int at;

            @Override
            boolean produce() {
                while (b < seq.length && at >= pos[b].length) {
                    b++;
                    at = 0;
                }
                if (b >= seq.length) {
                    return false;
                }
                SeqInfo info = cx.seq(seq[b]);
                SitePlan.SeqMeans sm = cx.means(seq[b]);
                long[] p = pos[b];
                int from = at;
                long chunk = Math.floorDiv(p[from], m);
                int to = from;
                while (to < p.length && Math.floorDiv(p[to], m) == chunk) {
                    to++;
                }
                at = to;
                long spos = causal ? chunk * m : Long.MAX_VALUE;
                double[] superBase = null;
                long superCount = 0;
                ChunkBase cb = null;
                if (causal) {
                    int s = sm.indexOf(Math.floorDiv(chunk, m));
                    superBase = sm.base[s];
                    superCount = sm.baseCount[s];
                    cb = bases.getOrDefault(info.id, Map.of()).get(chunk);
                    if (cb == null) {
                        throw new IllegalStateException("no chunk base for seq " + info.name + " chunk " + chunk);
                    }
                }
                Arrays.fill(own, 0.0);
                long ownCount = 0;
                for (int i = from; i < to; i++) {
                    long eligible;
                    if (causal) {
                        if (self) {
                            MeanSums.addToken(own, k[b], i * d, d, v[b], i * dv, dv);
                            ownCount++;
                        }
                        MeanSums.prefix(superBase, cb.sum, own, sum);
                        eligible = superCount + cb.count + ownCount;
                        if (!self) {
                            MeanSums.addToken(own, k[b], i * d, d, v[b], i * dv, dv);
                            ownCount++;
                        }
                    } else {
                        eligible = self ? info.count : info.count - 1;
                        for (int t = 0; t < d; t++) {
                            sum[t] = self ? sm.total[t] : sm.total[t] - k[b][i * d + t];
                        }
                        for (int t = 0; t < dv; t++) {
                            sum[d + t] = self ? sm.total[d + t] : sm.total[d + t] - v[b][i * dv + t];
                        }
                    }
                    int home = info.site(0, sc.code(0, q[b], i * d, scratch), spos);
                    Batch.Writer out = to(home);
                    out.kind(Batch.Kind.MEAN);
                    out.seqPos(info.id, p[i]);
                    if (eligible > 0) {
                        ZetaAttention.meanOf(sum, eligible, d, dv, meanK, meanV);
                        out.varLong(1);
                        out.f64(Distances.squared(q[b], i * d, meanK, 0, d));
                        out.doubles(meanV, 0, dv);
                    } else {
                        out.varLong(0);
                    }
                }
                return true;
            }
        };
    }

    /** A chunk's base from its super-block's site: the count and sums of the earlier chunks of its super-block. */
    static final class ChunkBase implements Serializable {
        private static final long serialVersionUID = 1L;
        final long count;
        final double[] sum;

        ChunkBase(long count, double[] sum) {
            this.count = count;
            this.sum = sum;
        }
    }
}
