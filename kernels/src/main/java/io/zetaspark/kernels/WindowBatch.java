package io.zetaspark.kernels;

/**
 * The window stage as a batch: for many queries against one (code, pos)-sorted key run (one level
 * and curve), each query's window candidates (docs/ALGORITHM.md, "Window rule") reduced to their
 * best {@code k} in candidate order. This is what a partition of the Spark job computes for the
 * queries it holds, and what the CUDA window kernel computes; it is the kernel's CPU twin and calls
 * {@link CurveWindow#collect} and {@link TopK} per query, so the rule lives in one place.
 *
 * <p>Keeping only the best k per curve loses nothing: the selection is the best k of the union of
 * the own chunk and every curve's candidates, and a key among the best k of a union is among the
 * best k of whichever part holds it. Merging per-curve results (deduplicated by position: a key met
 * on several curves has the same distance each time) gives the engine's selection.
 *
 * <p>Inputs: keys {@code keyPos[i]}, {@code keyVec[i·d .. i·d+d)} for i in {@code [from, to)} sorted
 * by (code, pos); per query q: insertion point {@code ins[q]} in {@code [from, to]} (see
 * {@link #insertionPoints}), the ineligible position range {@code [cutLo[q], cutHi[q])} (causal:
 * {@code [chunk(p)·M, Long.MAX_VALUE)}; bidirectional: the own chunk) and the query vector
 * {@code qVec[q·d ..]}. Outputs: {@code count[q]} candidates at {@code dist[q·k + j]},
 * {@code pos[q·k + j]}, best first.
 */
public final class WindowBatch {
    private WindowBatch() {
    }

    /**
     * Runs every query of the batch. Returns the number of key rows walked (a cost statistic that
     * the GPU kernel reports too).
     */
    public static long run(int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                           int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                           int[] count, double[] dist, long[] pos) {
        return run(null, d, half, k, keyPos, keyVec, from, to, nq, ins, cutLo, cutHi, qVec, count, dist, pos);
    }

    /**
     * As {@link #run(int, int, int, long[], float[], int, int, int, int[], long[], long[], float[], int[], double[], long[])}
     * with the keys' codes ({@code keyCode[i]}, or null), which lets the walk jump over ineligible
     * runs of equal codes ({@link CurveWindow}); same candidates, fewer rows walked.
     */
    public static long run(long[] keyCode, int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                           int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                           int[] count, double[] dist, long[] pos) {
        checkArguments(d, half, k, keyPos, keyVec, from, to, nq, ins, cutLo, cutHi, qVec, count, dist, pos);
        if (keyCode != null && keyCode.length < to) {
            throw new IllegalArgumentException("keyCode holds " + keyCode.length + " codes, needs " + to);
        }
        return runRange(keyCode, d, half, k, keyPos, keyVec, from, to, 0, nq, ins, cutLo, cutHi, qVec, count, dist,
                pos);
    }

    /**
     * Runs queries {@code [qFrom, qTo)} of an already checked batch (lets callers split a batch
     * across threads; each query writes only its own output slots).
     */
    public static long runRange(long[] keyCode, int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                                int qFrom, int qTo, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                                int[] count, double[] dist, long[] pos) {
        TopK top = new TopK(k);
        long walked = 0;
        for (int q = qFrom; q < qTo; q++) {
            top.reset(k);
            walked += CurveWindow.collect(keyCode, keyPos, keyVec, null, d, from, to, ins[q], cutLo[q], cutHi[q], half,
                    qVec, q * d, top, false);
            count[q] = top.drainSorted(dist, pos, null, q * k);
        }
        return walked;
    }

    /**
     * Insertion points of {@code nq} query codes in {@code codes[from, to)} (sorted ascending), as
     * {@link CurveWindow#insertionPoint} gives them, by one merge of the sorted query codes with the
     * run instead of a binary search per query (a long run's binary searches miss the cache on
     * nearly every probe).
     */
    public static int[] insertionPoints(long[] codes, int from, int to, long[] qCodes, int nq) {
        int[] ins = new int[nq];
        int[] order = new int[nq];
        for (int q = 0; q < nq; q++) {
            order[q] = q;
        }
        long[] sorted = java.util.Arrays.copyOf(qCodes, nq);
        LongIndexSort.sortPairs(sorted, order, 0, nq, new long[nq], new int[nq]);
        int at = from;
        for (int r = 0; r < nq; r++) {
            long code = sorted[r];
            while (at < to && codes[at] <= code) {
                at++;
            }
            ins[order[r]] = at;
        }
        return ins;
    }

    /**
     * Validates a batch (shared with the GPU binding, which must not read outside the arrays):
     * sizes, bounds and every insertion point in {@code [from, to]}.
     */
    public static void checkArguments(int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                                      int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                                      int[] count, double[] dist, long[] pos) {
        require(d >= 1 && d <= 8, "d must be in 1..8, got " + d);
        require(half >= 0, "half window must be >= 0, got " + half);
        require(k >= 1, "k must be >= 1, got " + k);
        require(nq >= 0, "query count must be >= 0, got " + nq);
        require(from >= 0 && from <= to && to <= keyPos.length,
                "key range [" + from + ", " + to + ") outside keyPos of length " + keyPos.length);
        require((long) keyVec.length >= (long) to * d, "keyVec holds " + keyVec.length + " floats, needs " + (long) to * d);
        require(ins.length >= nq && cutLo.length >= nq && cutHi.length >= nq && count.length >= nq,
                "ins, cutLo, cutHi and count need at least nq = " + nq + " entries");
        require((long) qVec.length >= (long) nq * d, "qVec holds " + qVec.length + " floats, needs " + (long) nq * d);
        long slots = (long) nq * k;
        require(slots <= Integer.MAX_VALUE, "nq·k = " + slots + " exceeds one array; split the batch");
        require(dist.length >= slots && pos.length >= slots, "dist and pos need nq·k = " + slots + " entries");
        for (int q = 0; q < nq; q++) {
            if (ins[q] < from || ins[q] > to) {
                throw new IllegalArgumentException("query " + q + ": insertion point " + ins[q]
                        + " outside [" + from + ", " + to + "]");
            }
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
