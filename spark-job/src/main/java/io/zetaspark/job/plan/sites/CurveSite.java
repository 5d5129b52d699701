package io.zetaspark.job.plan.sites;

import io.zetaspark.kernels.LongIndexSort;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.SiteWindows;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What one site holds of one sequence on one curve: the keys whose (code, pos) falls between the
 * curve's split points around it, and the queries whose (code, cut) does, each in position order.
 * On curve 0 the site is the queries' home: its keys carry their values, and the home gathers every
 * candidate of its queries and computes their outputs.
 */
final class CurveSite implements Serializable {
    private static final long serialVersionUID = 1L;
    final int seq;
    final int curve;
    int nk;
    long[] keyPos = new long[64];
    float[] keyVec;
    /** Values (curve 0 only), dv per key. */
    float[] keyVal;
    long[] keyCode;
    /** Key indices in (code, pos) order. */
    int[] order;
    /** Per key, its home (the curve-0 site that holds its value); curves above 0 only. */
    int[] keyHome;
    int nq;
    long[] qPos = new long[64];
    float[] qVec;
    long[] qCode;
    /** Per query, its home; curves above 0 only. */
    int[] qHome;
    private transient SiteWindows windows;
    private transient KeyTable keyTable;
    private transient int[][] runHome;
    private transient float[][] runVec;
    private transient PosIndex queryIndex;

    CurveSite(int seq, int curve, int d, int dv) {
        this.seq = seq;
        this.curve = curve;
        keyVec = new float[64 * d];
        keyVal = curve == 0 ? new float[64 * dv] : null;
        qVec = new float[64 * d];
    }

    void addKey(Batch.Reader r, int d, int dv) {
        if (nk == keyPos.length) {
            int cap = nk * 2;
            keyPos = Arrays.copyOf(keyPos, cap);
            keyVec = Arrays.copyOf(keyVec, cap * d);
            if (keyVal != null) {
                keyVal = Arrays.copyOf(keyVal, cap * dv);
            }
        }
        keyPos[nk] = r.pos;
        r.floats(keyVec, nk * d, d);
        if (keyVal != null) {
            r.floats(keyVal, nk * dv, dv);
        }
        nk++;
    }

    void addQuery(Batch.Reader r, int d) {
        if (nq == qPos.length) {
            int cap = nq * 2;
            qPos = Arrays.copyOf(qPos, cap);
            qVec = Arrays.copyOf(qVec, cap * d);
        }
        qPos[nq] = r.pos;
        r.floats(qVec, nq * d, d);
        nq++;
    }

    /** Sorts keys and queries by position (they arrive from many partitions) and derives codes, order, homes. */
    void finish(SitePlan.Context cx, SeqInfo info, ShiftedCurves sc) {
        int d = cx.d;
        int dv = cx.dv;
        int[] ko = LongIndexSort.sortedOrder(Arrays.copyOf(keyPos, nk));
        keyPos = permute(keyPos, ko, 1, nk);
        keyVec = permute(keyVec, ko, d, nk);
        if (keyVal != null) {
            keyVal = permute(keyVal, ko, dv, nk);
        }
        int[] qo = LongIndexSort.sortedOrder(Arrays.copyOf(qPos, nq));
        qPos = permute(qPos, qo, 1, nq);
        qVec = permute(qVec, qo, d, nq);
        long[] scratch = new long[d];
        keyCode = new long[nk];
        for (int i = 0; i < nk; i++) {
            keyCode[i] = sc.code(curve, keyVec, i * d, scratch);
        }
        order = SiteWindows.sortOrder(keyCode, nk);
        qCode = new long[nq];
        for (int i = 0; i < nq; i++) {
            qCode[i] = sc.code(curve, qVec, i * d, scratch);
        }
        if (curve > 0) {
            long m = cx.params.chunkSize();
            boolean causal = cx.params.causal();
            keyHome = new int[nk];
            for (int i = 0; i < nk; i++) {
                keyHome[i] = info.site(0, sc.code(0, keyVec, i * d, scratch), keyPos[i]);
            }
            qHome = new int[nq];
            for (int i = 0; i < nq; i++) {
                long spos = causal ? Math.floorDiv(qPos[i], m) * m : Long.MAX_VALUE;
                qHome[i] = info.site(0, sc.code(0, qVec, i * d, scratch), spos);
            }
        }
    }

    private static long[] permute(long[] a, int[] order, int w, int n) {
        long[] out = new long[n * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, order[i] * w, out, i * w, w);
        }
        return out;
    }

    private static float[] permute(float[] a, int[] order, int w, int n) {
        float[] out = new float[n * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, order[i] * w, out, i * w, w);
        }
        return out;
    }

    /** The window rule over this site's keys (built on first use in a task; not serialized). */
    SiteWindows windows(SitePlan.Context cx, SeqInfo info) {
        if (windows == null) {
            windows = new SiteWindows(cx.params, cx.d, info.base, keyPos, keyVec, keyCode, order, nk);
        }
        return windows;
    }

    /** A level's key vectors in run order, for the GPU window engine (built on first use in a task). */
    float[] runVectors(SiteWindows w, int level) {
        if (runVec == null) {
            runVec = new float[65][];
        }
        if (runVec[level] == null) {
            runVec[level] = w.runVectors(level);
        }
        return runVec[level];
    }

    /** The homes of a level's keys in run order (curves above 0; built on first use in a task). */
    int[] runHome(SitePlan.Context cx, SeqInfo info, int level) {
        if (runHome == null) {
            runHome = new int[65][];
        }
        int[] h = runHome[level];
        if (h == null) {
            io.zetaspark.kernels.PackedKeyRun r = windows(cx, info).run(level);
            h = new int[r.size()];
            for (int row = 0; row < h.length; row++) {
                h[row] = keyHome[r.id(row)];
            }
            runHome[level] = h;
        }
        return h;
    }

    /** The home's keys by position with their vectors (built on first use in a task; not serialized). */
    KeyTable keyTable(int d) {
        if (keyTable == null) {
            keyTable = new KeyTable(keyPos, keyVec, d, nk);
        }
        return keyTable;
    }

    /** The index of the query at {@code pos}, or a negative number when this site does not answer it. */
    int queryIndex(long pos) {
        if (queryIndex == null) {
            queryIndex = new PosIndex(qPos, nq);
        }
        return queryIndex.get(pos);
    }
}
