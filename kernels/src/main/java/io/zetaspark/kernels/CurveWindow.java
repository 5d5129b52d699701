package io.zetaspark.kernels;

/**
 * The per-curve window rule (docs/ALGORITHM.md, "Window rule"): from a query's insertion point in
 * a run of keys sorted by (code, pos), walk outwards and take the first {@code half} keys on each
 * side whose position is eligible for curve search ({@code pos < cutLo || pos ≥ cutHi}: outside the
 * query's own chunk and, in causal mode, before it). Ineligible keys are skipped and not counted,
 * so the result depends only on eligible keys and never on where a run was split, as long as the
 * run holds enough keys on each side (the Spark job continues a walk that leaves its site in the next sites).
 */
public final class CurveWindow {
    private CurveWindow() {
    }

    /**
     * Index of the first key whose code is greater than {@code code} in {@code codes[from, to)}
     * (sorted ascending): the query's insertion point.
     */
    public static int insertionPoint(long[] codes, int from, int to, long code) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (codes[mid] <= code) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Offers the window candidates of one query to {@code top}. Keys are {@code keyPos[i]},
     * {@code keyVec[i·d .. i·d+d)} for i in {@code [from, to)}; {@code ins} is the insertion point.
     * With {@code distinct}, a key already kept for this query (offered by another curve) is not
     * offered again ({@link TopK#offerDistinct}: deduplication across curves, the same kept set as
     * offering each key once). The payload offered is {@code keyId[i]} when keyId is non-null, else i.
     *
     * @return the number of key rows walked (a cost statistic)
     */
    public static int collect(long[] keyPos, float[] keyVec, int[] keyId, int d, int from, int to, int ins,
                              long cutLo, long cutHi, int half, float[] q, int qOff,
                              TopK top, boolean distinct) {
        return collect(null, keyPos, keyVec, keyId, d, from, to, ins, cutLo, cutHi, half, q, qOff, top, distinct);
    }

    /**
     * As {@link #collect(long[], float[], int[], int, int, int, int, long, long, int, float[], int, TopK, boolean)},
     * with the keys' codes: inside a run of equal codes the keys are sorted by position, so the
     * ineligible positions {@code [cutLo, cutHi)} form one contiguous stretch of it, which the walk
     * jumps over by binary search instead of stepping through it. Real text repeats words, and every
     * repetition of a word has the same code; without the jump a frequent word's query would step
     * over all later copies of itself. The jump skips only ineligible keys, so the result is the same.
     */
    public static int collect(long[] codes, long[] keyPos, float[] keyVec, int[] keyId, int d, int from, int to,
                              int ins, long cutLo, long cutHi, int half, float[] q, int qOff,
                              TopK top, boolean distinct) {
        int walked = 0;
        int taken = 0;
        int i = ins - 1;
        while (i >= from && taken < half) {
            walked++;
            long p = keyPos[i];
            if (p < cutLo || p >= cutHi) {
                taken++;
                offer(keyPos, keyVec, keyId, d, i, q, qOff, top, distinct);
                i--;
            } else if (codes != null && i > from && codes[i - 1] == codes[i] && keyPos[i - 1] >= cutLo) {
                // first index of this code run with pos >= cutLo; everything from there to i is ineligible
                i = lowerBound(codes, keyPos, from, i, codes[i], cutLo) - 1;
            } else {
                i--;
            }
        }
        taken = 0;
        i = ins;
        while (i < to && taken < half) {
            walked++;
            long p = keyPos[i];
            if (p < cutLo || p >= cutHi) {
                taken++;
                offer(keyPos, keyVec, keyId, d, i, q, qOff, top, distinct);
                i++;
            } else if (codes != null && i + 1 < to && codes[i + 1] == codes[i] && keyPos[i + 1] < cutHi) {
                // first index of this code run with pos >= cutHi (or the run's end)
                i = lowerBound(codes, keyPos, i + 1, to, codes[i], cutHi);
            } else {
                i++;
            }
        }
        return walked;
    }

    /** First index in [lo, hi) whose (code, pos) is not below (code, pos) in lexicographic order. */
    static int lowerBound(long[] codes, long[] keyPos, int lo, int hi, long code, long pos) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (codes[mid] < code || (codes[mid] == code && keyPos[mid] < pos)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void offer(long[] keyPos, float[] keyVec, int[] keyId, int d, int i, float[] q, int qOff,
                              TopK top, boolean distinct) {
        int id = keyId == null ? i : keyId[i];
        double dist = Distances.squared(q, qOff, keyVec, i * d, d);
        if (distinct) {
            top.offerDistinct(dist, keyPos[i], id);
        } else {
            top.offer(dist, keyPos[i], id);
        }
    }
}
