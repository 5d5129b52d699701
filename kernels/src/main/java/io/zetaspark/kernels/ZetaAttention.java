package io.zetaspark.kernels;

/**
 * The in-memory engine: the whole operator on one sequence held in memory. This is the reference
 * that the distributed Spark plan and the GPU kernel reproduce bit for bit.
 *
 * <p>Selection (docs/ALGORITHM.md): every eligible key of the query's own chunk is scored exactly;
 * earlier chunks are searched through C shifted Z-order curves, each contributing the W/2
 * earlier-chunk keys on each side of the query's insertion point in the (code, pos) order of the
 * query's nested prefix block; the best k of the deduplicated union win. With {@code exact=true}
 * the {@link ExactOracle} selects instead. Then {@link #attend} computes weights, the mean slot and
 * the outputs, shared with the oracle.
 *
 * <p>Cost per query: O(C·W + M) distance evaluations plus the walk over skipped keys; building the
 * level orders costs O(C·n) radix-sort work per level, about 2·C·n in all.
 */
public final class ZetaAttention {
    private final ZetaParams params;
    private final int maxBlock;

    public ZetaAttention(ZetaParams params) {
        this(params, Selector.MAX_BLOCK);
    }

    /** With at most {@code maxBlock} queries per selection block (tests: block edges; 1 = index order). */
    ZetaAttention(ZetaParams params, int maxBlock) {
        if (maxBlock < 1) {
            throw new IllegalArgumentException("maxBlock must be positive, got " + maxBlock);
        }
        this.params = params;
        this.maxBlock = maxBlock;
    }

    public ZetaParams params() {
        return params;
    }

    /** Runs selection and attention on one sequence. */
    public AttentionResult run(TokenSequence s) {
        Selection sel = params.exact() ? ExactOracle.select(s, params) : select(s);
        return attend(s, sel, params);
    }

    /** The approximate selection S(p) of every token. */
    public Selection select(TokenSequence s) {
        Selector selector = new Selector(s, params, maxBlock);
        int n = s.size();
        int kk = params.k();
        Selection sel = new Selection(n, kk);
        long[] pos = s.pos();
        for (int i = 0; i < n; i++) {
            sel.count[i] = selector.select(i, sel.dist, sel.idx, i * kk);
            positionsOf(pos, sel.idx, sel.pos, i * kk, sel.count[i]);
        }
        sel.clampedComponents = selector.clamped;
        sel.rowsWalked = selector.walked;
        return sel;
    }

    /**
     * The selection S(p) of the given queries only ({@code queries}: token indices, ascending, each
     * once), entry j of the result for {@code queries[j]}: the same sets and order as {@link #select}
     * gives them (each query is selected alone; a level's sorted runs are built when its first query
     * comes). For checking a very long run on a sample without selecting every query.
     */
    public Selection selectSome(TokenSequence s, int[] queries) {
        Selector selector = new Selector(s, params, 1);
        int kk = params.k();
        Selection sel = new Selection(queries.length, kk);
        long[] pos = s.pos();
        for (int j = 0; j < queries.length; j++) {
            if (j > 0 && queries[j] <= queries[j - 1]) {
                throw new IllegalArgumentException("queries must be ascending: " + queries[j - 1] + ", " + queries[j]);
            }
            sel.count[j] = selector.select(queries[j], sel.dist, sel.idx, j * kk);
            positionsOf(pos, sel.idx, sel.pos, j * kk, sel.count[j]);
        }
        sel.clampedComponents = selector.clamped;
        return sel;
    }

    /**
     * Selection and outputs one token at a time, in position order, with the same operations in the
     * same order as {@link #run} (so the same bytes), holding O(n·C) memory for the codes and one
     * level's sorted runs instead of the O(n·k) whole-sequence selection: the in-task engine of the
     * Spark plan streams long sequences through this.
     */
    public Cursor cursor(TokenSequence s) {
        return new Cursor(s, params, 0, maxBlock);
    }

    /**
     * As {@link #cursor(TokenSequence)} for the queries from index {@code from} on: the tokens
     * before it are keys only (the running mean-slot sums are replayed over them in the same order,
     * so the outputs are the same bytes as in a whole-sequence run). In causal mode a query range
     * [from, n) needs only the tokens [0, n): the Spark plan splits a long sequence into such ranges
     * so that its parts run in parallel tasks.
     */
    public Cursor cursor(TokenSequence s, int from) {
        return new Cursor(s, params, from, maxBlock);
    }

    /** See {@link #cursor}: {@link #advance} computes the next token's outputs into the public fields. */
    public static final class Cursor {
        private final TokenSequence s;
        private final Selector selector;
        private final Attender attender;
        private final Selection exact;
        private final int kk;
        private int next;
        /** The current token's index, position, selected count and novelty score. */
        public int index = -1;
        public long pos;
        public int count;
        public double nnDist;
        /** The current token's output (dv), selected positions, distances and normalised weights (first {@link #count}). */
        public final float[] out;
        public final long[] nbrPos;
        public final double[] nbrDist;
        public final float[] nbrW;
        private final int[] nbrIdx;

        Cursor(TokenSequence s, ZetaParams params, int from, int maxBlock) {
            if (from < 0 || from > s.size()) {
                throw new IllegalArgumentException("first query " + from + " outside 0.." + s.size());
            }
            this.s = s;
            this.next = from;
            this.kk = params.k();
            this.exact = params.exact() ? ExactOracle.select(s, params) : null;
            this.selector = params.exact() ? null : new Selector(s, params, maxBlock);
            this.attender = new Attender(s, params, kk);
            attender.skipTo(from);
            this.out = new float[s.dv()];
            this.nbrPos = new long[kk];
            this.nbrDist = new double[kk];
            this.nbrW = new float[kk];
            this.nbrIdx = new int[kk];
        }

        public boolean hasNext() {
            return next < s.size();
        }

        /** Components of q or k outside the quantiser range, over the tokens selected so far. */
        public long clampedComponents() {
            return selector == null ? 0 : selector.clamped;
        }

        public void advance() {
            int i = next++;
            if (exact != null) {
                count = exact.count[i];
                System.arraycopy(exact.dist, i * kk, nbrDist, 0, count);
                System.arraycopy(exact.pos, i * kk, nbrPos, 0, count);
                System.arraycopy(exact.idx, i * kk, nbrIdx, 0, count);
            } else {
                count = selector.select(i, nbrDist, nbrIdx, 0);
                positionsOf(s.pos(), nbrIdx, nbrPos, 0, count);
            }
            java.util.Arrays.fill(nbrW, 0, count, 0.0f);
            nnDist = attender.attend(i, count, nbrDist, 0, nbrIdx, 0, out, 0, nbrW, 0);
            index = i;
            pos = s.pos()[i];
        }
    }

    /**
     * The selection rule (docs/ALGORITHM.md): own chunk exactly, then the window of every curve in
     * the query's nested level ({@link NestedLevels#plan}). Queries must be asked for in index
     * order, each once; a level's sorted runs are built when its first query comes
     * ({@link PackedKeyRun}). Candidates enter the heap with their token index in the position slot:
     * positions are unique and ascending with the index, so the heap's order and kept set are those
     * of the positions, and the callers map the kept indices back to positions.
     *
     * <p>The queries are selected a block at a time ({@link #blockSize} consecutive queries of one
     * level) in the order of their insertion points on the first curve, and handed out in index
     * order. A query's selection depends only on the query and the level's runs, so the order
     * changes no byte; what it changes is where the walks land: consecutive walks on the first curve
     * sweep its run forwards, and spatially close queries meet nearby rows on the other curves too,
     * instead of four random places of runs that at 1M tokens and more are far larger than the
     * caches.
     */
    private static final class Selector {
        /** At most this many selected entries (queries · k) per block: 25 MB of buffers. */
        private static final int BLOCK_ENTRIES = 1 << 21;
        static final int MAX_BLOCK = 1 << 16;
        private final int d;
        private final int n;
        private final int kk;
        private final int curves;
        private final int half;
        private final long m;
        private final boolean causal;
        private final boolean self;
        private final long[] pos;
        private final float[] q;
        private final float[] k;
        private final long[] qCodes;
        private final long[] kCodes;
        private final java.util.List<NestedLevels.Step> steps;
        private final TopK top;
        private int step = -1;
        private int stepEnd;
        private int keyCount;
        private PackedKeyRun[] runs;
        private int[][] ins; // per curve: insertion points of the step's queries from stepFirst on
        private int stepFirst;
        // the current block [blockFrom, blockTo): its selections (best first, token indices) and,
        // per query, its own chunk [chunkStart, chunkEnd) and eligibility cuts (lowIdx, hiIdx)
        private final int blockSize;
        private int blockFrom;
        private int blockTo;
        private final double[] bDist;
        private final int[] bIdx;
        private final int[] bCount;
        private final int[] chunkStart;
        private final int[] chunkEnd;
        private final int[] lowIdx; // first index with pos >= cutLo: keys below it are eligible
        private final int[] hiIdx; // first index with pos >= cutHi: keys from it on are eligible
        private final long[] order;
        long walked;
        long clamped;

        Selector(TokenSequence s, ZetaParams params, int maxBlock) {
            this.n = s.size();
            this.d = s.d();
            params.checkDims(d);
            this.kk = params.k();
            this.curves = params.curves();
            this.half = params.halfWindow();
            this.m = params.chunkSize();
            this.causal = params.causal();
            this.self = params.includeSelf();
            this.pos = s.pos();
            this.q = s.q();
            this.k = s.k();
            ShiftedCurves sc = new ShiftedCurves(d, params);
            this.qCodes = new long[n * curves];
            this.kCodes = new long[n * curves];
            clamped = sc.encodeSequence(q, n, qCodes) + sc.encodeSequence(k, n, kCodes);
            this.steps = NestedLevels.plan(pos, n, m, causal);
            this.top = new TopK(kk);
            this.blockSize = blockSize(kk, n, maxBlock);
            this.bDist = new double[blockSize * kk];
            this.bIdx = new int[blockSize * kk];
            this.bCount = new int[blockSize];
            this.chunkStart = new int[blockSize];
            this.chunkEnd = new int[blockSize];
            this.lowIdx = new int[blockSize];
            this.hiIdx = new int[blockSize];
            this.order = new long[blockSize];
        }

        /** Queries per block: at most maxBlock, {@link #BLOCK_ENTRIES} selected entries and n. */
        static int blockSize(int kk, int n, int maxBlock) {
            return Math.max(1, Math.min(Math.min(maxBlock, BLOCK_ENTRIES / Math.max(1, kk)), n));
        }

        /**
         * Copies the selection of query i (best first; token indices, not positions) into
         * {@code dist} and {@code idx} from {@code off}; returns its size.
         */
        int select(int i, double[] dist, int[] idx, int off) {
            if (i < blockFrom || i >= blockTo) {
                selectBlock(i);
            }
            int b = i - blockFrom;
            int c = bCount[b];
            System.arraycopy(bDist, b * kk, dist, off, c);
            System.arraycopy(bIdx, b * kk, idx, off, c);
            return c;
        }

        /** Selects the block of queries from {@code from} on (to the block size or the level's end). */
        private void selectBlock(int from) {
            if (from >= stepEnd) {
                while (from >= steps.get(step + 1).queryTo) {
                    step++; // a cursor that starts mid-sequence skips earlier levels without building them
                }
                NestedLevels.Step st = steps.get(++step);
                stepEnd = st.queryTo;
                keyCount = st.keyCount;
                runs = null; // release the previous level's runs before building the next
                ins = null;
                runs = keyCount > 0 ? PackedKeyRun.forLevel(kCodes, k, d, curves, keyCount) : null;
                if (runs != null) {
                    stepFirst = from;
                    int nq = stepEnd - from;
                    long[] qc = new long[nq];
                    ins = new int[curves][];
                    for (int c = 0; c < curves; c++) {
                        for (int r = 0; r < nq; r++) {
                            qc[r] = qCodes[(from + r) * curves + c];
                        }
                        ins[c] = WindowBatch.insertionPoints(runs[c].codes, 0, keyCount, qc, nq);
                    }
                }
            }
            int to = Math.min(stepEnd, from + blockSize);
            blockFrom = from;
            blockTo = to;
            int nb = to - from;
            // the own chunk and the cuts of every query, in index order (one search per chunk)
            for (int i = from; i < to; i++) {
                int b = i - from;
                long chunk = pos[i] / m;
                if (i > from && chunk == pos[i - 1] / m) {
                    chunkStart[b] = chunkStart[b - 1];
                    chunkEnd[b] = chunkEnd[b - 1];
                    lowIdx[b] = lowIdx[b - 1];
                    hiIdx[b] = hiIdx[b - 1];
                    continue;
                }
                int cs = i;
                while (cs > 0 && pos[cs - 1] / m == chunk) {
                    cs--;
                }
                int ce = i;
                while (ce < n && pos[ce] / m == chunk) {
                    ce++;
                }
                long cutLo = chunk * m;
                long cutHi = causal || cutLo > Long.MAX_VALUE - m ? Long.MAX_VALUE : cutLo + m;
                chunkStart[b] = cs;
                chunkEnd[b] = ce;
                lowIdx[b] = NestedLevels.countBelow(pos, n, cutLo);
                hiIdx[b] = NestedLevels.countBelow(pos, n, cutHi);
            }
            if (keyCount > 0) {
                int[] ins0 = ins[0];
                for (int b = 0; b < nb; b++) {
                    order[b] = ((long) ins0[from + b - stepFirst] << 32) | b;
                }
                java.util.Arrays.sort(order, 0, nb);
            } else {
                for (int b = 0; b < nb; b++) {
                    order[b] = b;
                }
            }
            for (int r = 0; r < nb; r++) {
                int b = (int) order[r];
                selectOne(from + b, b);
            }
        }

        private void selectOne(int i, int b) {
            top.reset(kk);
            int low = lowIdx[b];
            int hi = hiIdx[b];
            // curves first, own chunk last: the kept set does not depend on the order of the offers
            // (TopK keeps the best k in a strict order), and the curve windows' keys are on average
            // closer, so the own chunk meets a tighter bound and fewer of its keys enter the heap
            // (about 15% of a query's selection time at 1M tokens). The first curve's window holds
            // distinct keys and meets an empty heap, so it needs no duplicate check.
            if (keyCount > 0) {
                int at = i - stepFirst;
                for (int c = 0; c < curves; c++) {
                    walked += runs[c].collect(ins[c][at], low, hi, half, q, i * d, top, c > 0);
                }
            }
            int ownEnd = causal ? (self ? i + 1 : i) : chunkEnd[b];
            // own-chunk keys are curve-eligible only when the chunk's end saturates at Long.MAX_VALUE
            boolean overlap = keyCount > 0 && hi < ownEnd;
            boolean d3 = d == 3;
            double q0 = d3 ? q[i * 3] : 0;
            double q1 = d3 ? q[i * 3 + 1] : 0;
            double q2 = d3 ? q[i * 3 + 2] : 0;
            for (int j = chunkStart[b]; j < ownEnd; j++) {
                if (!self && j == i) {
                    continue;
                }
                double dist = d3 ? Distances.squared3(q0, q1, q2, k, j * 3) : Distances.squared(q, i * d, k, j * d, d);
                if (overlap) {
                    top.offerDistinct(dist, j, j);
                } else {
                    top.offer(dist, j, j);
                }
            }
            bCount[b] = top.drainSorted(bDist, null, bIdx, b * kk);
        }
    }

    /**
     * Replaces the token indices that the selector's heap holds in its position slot (see
     * {@link Selector}) by the positions: {@code out[off + j] = pos[idx[off + j]]} for j below count.
     */
    private static void positionsOf(long[] pos, int[] idx, long[] out, int off, int count) {
        for (int j = off; j < off + count; j++) {
            out[j] = pos[idx[j]];
        }
    }

    /**
     * Weights, mean slot and outputs for a given selection (shared by the approximate engine and
     * the oracle, so that both differ only in the selected sets).
     */
    public static AttentionResult attend(TokenSequence s, Selection sel, ZetaParams params) {
        int n = s.size();
        int dv = s.dv();
        int kk = sel.k;
        float[] out = new float[n * dv];
        float[] nbrW = new float[n * kk];
        double[] nn = new double[n];
        Attender a = new Attender(s, params, kk);
        for (int i = 0; i < n; i++) {
            nn[i] = a.attend(i, sel.count[i], sel.dist, i * kk, sel.idx, i * kk, out, i * dv, nbrW, i * kk);
        }
        return new AttentionResult(s.pos(), dv, out, sel, nbrW, nn);
    }

    /**
     * The outputs of one query at a time from its selection: mean slot from the hierarchical sums
     * (queries in index order, each once), weights and the weighted mean through {@link Attention}.
     */
    private static final class Attender {
        private final int d;
        private final int dv;
        private final int n;
        private final long[] pos;
        private final float[] q;
        private final float[] k;
        private final float[] v;
        private final Attention att;
        private final int[] valOff;
        private final boolean mean;
        private final boolean causal;
        private final boolean self;
        private final HierarchicalSum sums;
        private final double[] sum;
        private final double[] meanK;
        private final double[] meanV;
        private double[] total;

        Attender(TokenSequence s, ZetaParams params, int kk) {
            this.n = s.size();
            this.d = s.d();
            this.dv = s.dv();
            this.pos = s.pos();
            this.q = s.q();
            this.k = s.k();
            this.v = s.v();
            this.att = new Attention(params, dv);
            this.valOff = new int[kk];
            this.mean = params.meanSlot();
            this.causal = params.causal();
            this.self = params.includeSelf();
            this.sums = new HierarchicalSum(d + dv, params.chunkSize());
            this.sum = new double[d + dv];
            this.meanK = new double[d];
            this.meanV = new double[dv];
            if (mean && !causal) {
                for (int i = 0; i < n; i++) {
                    sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                }
                total = new double[d + dv];
                sums.total(total);
            }
        }

        /** Replays the running sums over tokens [0, from) as the queries before {@code from} would have. */
        void skipTo(int from) {
            if (mean && causal) {
                for (int i = 0; i < from; i++) {
                    sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                }
            }
        }

        /** Outputs of query i with {@code cnt} selected keys; returns its nn_dist. */
        double attend(int i, int cnt, double[] dist, int distOff, int[] idx, int idxOff,
                      float[] out, int outOff, float[] nbrW, int wOff) {
            for (int j = 0; j < cnt; j++) {
                valOff[j] = idx[idxOff + j] * dv;
            }
            boolean hasMean = false;
            double meanDist = 0.0;
            if (mean) {
                long eligible;
                if (causal) {
                    if (!self) {
                        sums.advanceTo(pos[i]); // close the previous chunk first: (A + B) + C with C empty
                        sums.prefix(sum);
                        eligible = sums.count();
                        sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                    } else {
                        sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                        sums.prefix(sum);
                        eligible = sums.count();
                    }
                } else {
                    eligible = self ? n : n - 1;
                    for (int t = 0; t < d; t++) {
                        sum[t] = self ? total[t] : total[t] - k[i * d + t];
                    }
                    for (int t = 0; t < dv; t++) {
                        sum[d + t] = self ? total[d + t] : total[d + t] - v[i * dv + t];
                    }
                }
                if (eligible > 0) {
                    hasMean = true;
                    meanOf(sum, eligible, d, dv, meanK, meanV);
                    meanDist = Distances.squared(q, i * d, meanK, 0, d);
                }
            }
            att.apply(cnt, dist, distOff, v, valOff, hasMean, meanDist, meanV, out, outOff, nbrW, wOff);
            return cnt == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(dist[distOff]);
        }
    }

    /** Mean of the eligible keys and values from their sums: each component divided by the count. */
    public static void meanOf(double[] sum, long count, int d, int dv, double[] meanK, double[] meanV) {
        double c = (double) count;
        for (int t = 0; t < d; t++) {
            meanK[t] = sum[t] / c;
        }
        for (int t = 0; t < dv; t++) {
            meanV[t] = sum[d + t] / c;
        }
    }
}
