package io.zetaspark.kernels;

/**
 * The per-curve window rule (docs/ALGORITHM.md, "Window rule"): from a query's insertion point in
 * a run of keys sorted by (code, pos), walk outwards and take the first {@code half} keys on each
 * side whose position is eligible for curve search ({@code pos < cutLo || pos ≥ cutHi}: outside the
 * query's own chunk and, in causal mode, before it). Ineligible keys are skipped and not counted,
 * so the result depends only on eligible keys and never on where a run was split, as long as the
 * run holds enough keys on each side (the Spark job's halos guarantee that).
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
     * When {@code stamp} is non-null, a key whose {@code stamp[keyId[i]] == stampValue} was already
     * offered for this query and is skipped (deduplication across curves); offered keys get stamped.
     * The payload offered is {@code keyId[i]} when keyId is non-null, else i.
     *
     * @return the number of key rows walked (a cost statistic)
     */
    public static int collect(long[] keyPos, float[] keyVec, int[] keyId, int d, int from, int to, int ins,
                              long cutLo, long cutHi, int half, float[] q, int qOff,
                              TopK top, int[] stamp, int stampValue) {
        int walked = 0;
        int taken = 0;
        for (int i = ins - 1; i >= from && taken < half; i--) {
            walked++;
            long p = keyPos[i];
            if (p < cutLo || p >= cutHi) {
                taken++;
                offer(keyPos, keyVec, keyId, d, i, q, qOff, top, stamp, stampValue);
            }
        }
        taken = 0;
        for (int i = ins; i < to && taken < half; i++) {
            walked++;
            long p = keyPos[i];
            if (p < cutLo || p >= cutHi) {
                taken++;
                offer(keyPos, keyVec, keyId, d, i, q, qOff, top, stamp, stampValue);
            }
        }
        return walked;
    }

    private static void offer(long[] keyPos, float[] keyVec, int[] keyId, int d, int i, float[] q, int qOff,
                              TopK top, int[] stamp, int stampValue) {
        int id = keyId == null ? i : keyId[i];
        if (stamp != null) {
            if (stamp[id] == stampValue) {
                return;
            }
            stamp[id] = stampValue;
        }
        double dist = Distances.squared(q, qOff, keyVec, i * d, d);
        top.offer(dist, keyPos[i], id);
    }
}
