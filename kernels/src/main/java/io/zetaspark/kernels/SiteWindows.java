package io.zetaspark.kernels;

/**
 * The window rule (docs/ALGORITHM.md) over the keys that one site of the distributed plan holds on
 * one curve: a contiguous stretch of the sequence's (code, pos) order, the keys whose (code, pos)
 * lies between two of the curve's split points. The site's keys are sorted once; each nested level's
 * run is that order with the level's later keys left out ({@link PackedKeyRun#ofOrder}), so no level
 * is sorted again and no key is copied between tasks for its levels.
 *
 * <p>A query is answered exactly as in the whole sequence's run as long as its walk stays inside the
 * site: the keys between its insertion point and the site's edge are the same rows in the same order.
 * When a side reaches the edge with fewer than W/2 eligible keys taken, {@link #select} reports how
 * many that side still needs, and the plan continues the walk in the neighbouring site's run from its
 * near end ({@link #continueWalk}); the union of the pieces is the window, and the best k of a union
 * are the best k of the pieces' best k.
 *
 * <p>Keys are identified by their index in the site's position order (positions ascending), so a
 * query's eligibility is an index bound, as in the engine's {@link PackedKeyRun}.
 */
public final class SiteWindows {
    private final int d;
    private final int half;
    private final long m;
    private final boolean causal;
    private final long base;
    private final long[] keyPos;
    private final float[] keyVec;
    private final long[] keyCode;
    private final int[] order;
    private final int n;
    private final PackedKeyRun[] runs = new PackedKeyRun[65];
    private final long[][] runPos = new long[65][];
    private final int[] taken = new int[2];

    /**
     * @param base    the sequence's first chunk (levels are anchored there)
     * @param keyPos  the site's key positions, ascending
     * @param keyVec  their key vectors, d per key
     * @param keyCode their codes on this curve
     * @param order   the key indices sorted by (code, index): {@link #sortOrder}
     */
    public SiteWindows(ZetaParams params, int d, long base, long[] keyPos, float[] keyVec, long[] keyCode, int[] order,
                       int n) {
        this.d = d;
        this.half = params.halfWindow();
        this.m = params.chunkSize();
        this.causal = params.causal();
        this.base = base;
        this.keyPos = keyPos;
        this.keyVec = keyVec;
        this.keyCode = keyCode;
        this.order = order;
        this.n = n;
    }

    /** The indices of {@code n} keys sorted by (code, index): a stable radix sort by code. */
    public static int[] sortOrder(long[] keyCode, int n) {
        int[] order = new int[n];
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            key[i] = keyCode[i];
        }
        LongIndexSort.sortPairs(key, order, 0, n, new long[n], new int[n]);
        return order;
    }

    /** The level a query at {@code pos} searches: 0 when it has no earlier chunk (causal). */
    public int level(long pos) {
        return causal ? NestedLevels.queryLevel(Math.floorDiv(pos, m) - base) : 1;
    }

    /** The run of one level: the site's keys that the level's block holds (built once per level). */
    public PackedKeyRun run(int level) {
        PackedKeyRun r = runs[level];
        if (r == null) {
            int count = causal
                    ? NestedLevels.countBelow(keyPos, n, NestedLevels.chunkStart(base, NestedLevels.lastQueryChunk(level), m))
                    : n;
            r = PackedKeyRun.ofOrder(keyCode, order, n, keyVec, d, count);
            runs[level] = r;
        }
        return r;
    }

    /**
     * The key positions of a level's run in run order: a candidate's row (its heap payload) gives its
     * position without a random read of the position array.
     */
    public long[] runPositions(int level) {
        long[] p = runPos[level];
        if (p == null) {
            PackedKeyRun r = run(level);
            p = new long[r.size()];
            for (int row = 0; row < p.length; row++) {
                p[row] = keyPos[r.id(row)];
            }
            runPos[level] = p;
        }
        return p;
    }

    /** The key vectors of a level's run in run order (for engines that take the run as arrays). */
    public float[] runVectors(int level) {
        PackedKeyRun r = run(level);
        float[] v = new float[r.size() * d];
        for (int row = 0; row < r.size(); row++) {
            for (int m = 0; m < d; m++) {
                v[row * d + m] = r.component(row, m);
            }
        }
        return v;
    }

    /** The insertion point of query i of {@code qs} in its level's run. */
    public int insertionPoint(Queries qs, int i) {
        return qs.ins[i];
    }

    /**
     * What query i's walk still needs beyond the site on each side ({@code rest[0]} below,
     * {@code rest[1]} above), without its candidates: for engines that compute them elsewhere.
     */
    public void restOf(Queries qs, int i, int[] rest) {
        PackedKeyRun r = run(qs.level[i]);
        rest[0] = half - r.countSide(qs.ins[i], true, qs.low[i], qs.hi[i], half);
        rest[1] = half - r.countSide(qs.ins[i], false, qs.low[i], qs.hi[i], half);
    }

    /** First index of a key at or after the query's cut; keys below it are eligible. */
    private int lowIdx(long pos) {
        return NestedLevels.countBelow(keyPos, n, Math.floorDiv(pos, m) * m);
    }

    /** First index of a key at or after the end of the query's own chunk (bidirectional); n in causal mode. */
    private int hiIdx(long pos) {
        if (causal) {
            return n;
        }
        long cutLo = Math.floorDiv(pos, m) * m;
        return cutLo > Long.MAX_VALUE - m ? n : NestedLevels.countBelow(keyPos, n, cutLo + m);
    }

    /**
     * The queries a site answers on this curve, prepared: their levels, eligibility bounds and
     * insertion points, and an order to answer them in (by level, then insertion point, so that
     * consecutive walks sweep the run forwards).
     */
    public final class Queries {
        public final int count;
        /** Query indices in the order to answer them (queries of level 0 are left out). */
        public final int[] order;
        final int[] level;
        final int[] low;
        final int[] hi;
        final int[] ins;

        Queries(long[] qPos, long[] qCode, int nq) {
            level = new int[nq];
            low = new int[nq];
            hi = new int[nq];
            ins = new int[nq];
            int[] byLevel = new int[66];
            for (int i = 0; i < nq; i++) {
                level[i] = level(qPos[i]);
                low[i] = lowIdx(qPos[i]);
                hi[i] = hiIdx(qPos[i]);
                byLevel[level[i] + 1]++;
            }
            for (int l = 1; l < byLevel.length; l++) {
                byLevel[l] += byLevel[l - 1];
            }
            int[] grouped = new int[nq];
            int[] at = byLevel.clone();
            for (int i = 0; i < nq; i++) {
                grouped[at[level[i]]++] = i;
            }
            int first = byLevel[1]; // level 0 has no window
            int[] out = new int[nq - first];
            int written = 0;
            for (int l = 1; l < 65; l++) {
                int from = byLevel[l];
                int to = byLevel[l + 1];
                if (from == to) {
                    continue;
                }
                PackedKeyRun r = run(l);
                int cnt = to - from;
                long[] codes = new long[cnt];
                int[] ids = new int[cnt];
                for (int j = 0; j < cnt; j++) {
                    int i = grouped[from + j];
                    codes[j] = qCode[i];
                    ids[j] = causal ? low[i] : Integer.MAX_VALUE; // bidirectional: after every key of its code
                }
                int[] pts = r.lowerBounds(codes, ids, cnt);
                long[] key = new long[cnt];
                int[] idx = new int[cnt];
                for (int j = 0; j < cnt; j++) {
                    ins[grouped[from + j]] = pts[j];
                    key[j] = pts[j];
                    idx[j] = grouped[from + j];
                }
                LongIndexSort.sortPairs(key, idx, 0, cnt, new long[cnt], new int[cnt]);
                System.arraycopy(idx, 0, out, written, cnt);
                written += cnt;
            }
            this.order = out;
            this.count = out.length;
        }
    }

    /** Prepares {@code nq} queries (positions, codes on this curve). */
    public Queries prepare(long[] qPos, long[] qCode, int nq) {
        return new Queries(qPos, qCode, nq);
    }

    /**
     * Answers query {@code i} of {@code qs} ({@code q[qOff .. qOff+d)}): its curve candidates go into
     * {@code top} (reset first) with the key index in the position slot; {@code rest[0]} and
     * {@code rest[1]} receive how many eligible keys the walk still needs below and above the site
     * (0 when the site held enough). Returns the rows walked.
     */
    public int select(Queries qs, int i, float[] q, int qOff, int k, TopK top, int[] rest) {
        top.reset(k);
        return walk(qs, i, q, qOff, top, rest);
    }

    /**
     * {@link #select} keeping only candidates before ({@code boundDist}, {@code boundIndex}) in
     * candidate order, where the bound is the query's k-th candidate from elsewhere and its key
     * position is given as {@link #boundIndex} of it; the walk and what it reports are the same.
     */
    public int selectBefore(Queries qs, int i, float[] q, int qOff, int k, double boundDist, long boundIndex,
                            TopK top, int[] rest) {
        top.resetBefore(k, boundDist, boundIndex);
        return walk(qs, i, q, qOff, top, rest);
    }

    /**
     * A bound's key position as a key index: the heap compares key indices, whose order is the
     * positions' order, so "a later position than p" is "an index above the last key at or before p".
     */
    public long boundIndex(long boundPos) {
        return boundPos == Long.MAX_VALUE ? n - 1 : NestedLevels.countBelow(keyPos, n, boundPos + 1) - 1L;
    }

    /** {@link #boundIndex} of {@code m} positions at once (one sort and one sweep of the keys). */
    public long[] boundIndexes(long[] boundPos, int m) {
        long[] key = java.util.Arrays.copyOf(boundPos, m);
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        LongIndexSort.sortPairs(key, order, 0, m, new long[m], new int[m]);
        long[] out = new long[m];
        int at = 0;
        for (int r = 0; r < m; r++) {
            long p = key[r];
            while (at < n && keyPos[at] <= p) {
                at++;
            }
            out[order[r]] = at - 1L;
        }
        return out;
    }

    private int walk(Queries qs, int i, float[] q, int qOff, TopK top, int[] rest) {
        int walked = run(qs.level[i]).collectSides(qs.ins[i], qs.low[i], qs.hi[i], half, half, q, qOff, top, false,
                taken);
        rest[0] = half - taken[0];
        rest[1] = half - taken[1];
        return walked;
    }

    /** The level of query {@code i} of {@code qs}. */
    public int levelOf(Queries qs, int i) {
        return qs.level[i];
    }

    /**
     * Continues a walk that left a neighbouring site: from this site's upper end downwards
     * ({@code down}) or from its lower end upwards, in the run of {@code level}, taking up to
     * {@code need} keys eligible for the query at {@code pos}; candidates are offered to {@code top}
     * (not reset) with the key index in the position slot. Returns how many eligible keys are still
     * needed beyond this site.
     */
    public int continueWalk(int level, boolean down, int need, long pos, float[] q, int qOff, TopK top) {
        return continueFrom(level, down, need, pos, q, qOff, top);
    }

    /**
     * {@link #continueWalk} into a heap reset here, keeping only candidates before ({@code boundDist},
     * {@code boundPos}) in candidate order.
     */
    public int continueWalkBefore(int level, boolean down, int need, long pos, float[] q, int qOff, int k,
                                  double boundDist, long boundPos, TopK top) {
        top.resetBefore(k, boundDist, boundIndex(boundPos));
        return continueFrom(level, down, need, pos, q, qOff, top);
    }

    private int continueFrom(int level, boolean down, int need, long pos, float[] q, int qOff, TopK top) {
        PackedKeyRun r = run(level);
        r.collectSides(down ? r.size() : 0, lowIdx(pos), hiIdx(pos), down ? need : 0, down ? 0 : need, q, qOff, top,
                false, taken);
        return need - (down ? taken[0] : taken[1]);
    }

    /**
     * A walk that left a neighbouring site, continued here from this site's near end: from the upper
     * end downwards ({@code down}) or the lower end upwards, in the run of {@code level}, the first
     * {@code need} keys eligible for the query at {@code pos}. Writes the keys that come before the
     * bound ({@code boundDist}, {@code boundIndex}: {@link #boundIndex}; no bound: +∞) with their
     * rank in walk order ({@code rankOut}), key index and distance, and returns how many keys it took
     * in all (the rest of the walk continues in the next site; the query's home keeps the first
     * {@code need} of the sites' keys in walk order). {@code kept[0]} receives the number written.
     */
    public int continueRanked(int level, boolean down, int need, long pos, float[] q, int qOff, double boundDist,
                              long boundIndex, int[] rankOut, int[] idOut, double[] distOut, int[] kept) {
        PackedKeyRun r = run(level);
        if (walkIds.length < need) {
            walkIds = new int[need];
            walkDist = new double[need];
        }
        int taken = r.walkSide(down ? r.size() : 0, down, lowIdx(pos), hiIdx(pos), need, q, qOff, walkIds, walkDist);
        int w = 0;
        for (int j = 0; j < taken; j++) {
            if (TopK.better(walkDist[j], walkIds[j], boundDist, boundIndex)) {
                rankOut[w] = j;
                idOut[w] = walkIds[j];
                distOut[w++] = walkDist[j];
            }
        }
        kept[0] = w;
        return taken;
    }

    private int[] walkIds = new int[0];
    private double[] walkDist = new double[0];

    /** The number of keys. */
    public int size() {
        return n;
    }
}
