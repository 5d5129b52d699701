package io.zetaspark.kernels;

/**
 * One sequence held in memory, sorted by position, validated: positions non-negative and unique,
 * every q/k/v component finite. Arrays are flat: token i's query is {@code q[i·d .. i·d+d)}.
 * Errors name the position and the field, as the operator's contract asks.
 */
public final class TokenSequence {
    private final long[] pos;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final int d;
    private final int dv;

    private TokenSequence(long[] pos, float[] q, float[] k, float[] v, int d, int dv) {
        this.pos = pos;
        this.q = q;
        this.k = k;
        this.v = v;
        this.d = d;
        this.dv = dv;
    }

    /**
     * Builds a validated sequence, sorting by position when needed. The arrays are copied when a
     * sort is needed and used as they are otherwise.
     */
    public static TokenSequence of(long[] pos, float[] q, float[] k, float[] v, int d, int dv) {
        int n = pos.length;
        if (d < 1 || d > 8) {
            throw new IllegalArgumentException("q/k dimension must be in 1..8, got " + d);
        }
        if (dv < 1) {
            throw new IllegalArgumentException("value dimension must be >= 1, got " + dv);
        }
        if (q.length != (long) n * d || k.length != (long) n * d || v.length != (long) n * dv) {
            throw new IllegalArgumentException("array lengths do not match n=" + n + ", d=" + d + ", dv=" + dv
                    + " (q " + q.length + ", k " + k.length + ", v " + v.length + ")");
        }
        boolean sorted = true;
        for (int i = 1; i < n; i++) {
            if (pos[i] <= pos[i - 1]) {
                sorted = false;
                break;
            }
        }
        if (!sorted) {
            int[] order = LongIndexSort.sortedOrder(pos);
            long[] p2 = new long[n];
            float[] q2 = new float[n * d];
            float[] k2 = new float[n * d];
            float[] v2 = new float[n * dv];
            for (int i = 0; i < n; i++) {
                int o = order[i];
                p2[i] = pos[o];
                System.arraycopy(q, o * d, q2, i * d, d);
                System.arraycopy(k, o * d, k2, i * d, d);
                System.arraycopy(v, o * dv, v2, i * dv, dv);
            }
            pos = p2;
            q = q2;
            k = k2;
            v = v2;
        }
        for (int i = 0; i < n; i++) {
            if (pos[i] < 0) {
                throw new IllegalArgumentException("pos " + pos[i] + ": positions must be non-negative");
            }
            if (i > 0 && pos[i] == pos[i - 1]) {
                throw new IllegalArgumentException("pos " + pos[i] + ": duplicate position in the sequence");
            }
            checkFinite("q", q, i * d, d, pos[i]);
            checkFinite("k", k, i * d, d, pos[i]);
            checkFinite("v", v, i * dv, dv, pos[i]);
        }
        return new TokenSequence(pos, q, k, v, d, dv);
    }

    private static void checkFinite(String field, float[] a, int off, int len, long p) {
        for (int j = 0; j < len; j++) {
            float x = a[off + j];
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("pos " + p + ": " + field + "[" + j + "] is " + x
                        + " (NaN and infinite values are not allowed)");
            }
        }
    }

    public int size() {
        return pos.length;
    }

    public int d() {
        return d;
    }

    public int dv() {
        return dv;
    }

    public long[] pos() {
        return pos;
    }

    public float[] q() {
        return q;
    }

    public float[] k() {
        return k;
    }

    public float[] v() {
        return v;
    }

    /** The first n tokens (a prefix in position order), sharing nothing with this sequence. */
    public TokenSequence prefix(int n) {
        long[] p = java.util.Arrays.copyOf(pos, n);
        return new TokenSequence(p, java.util.Arrays.copyOf(q, n * d), java.util.Arrays.copyOf(k, n * d),
                java.util.Arrays.copyOf(v, n * dv), d, dv);
    }
}
