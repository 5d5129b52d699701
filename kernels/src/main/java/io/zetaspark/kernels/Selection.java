package io.zetaspark.kernels;

/**
 * The selected key set of each query of one sequence: up to k entries per query in candidate
 * order (best first). Query i's entries are {@code [i·k, i·k + count[i])} of the flat arrays;
 * {@code idx} holds the key's token index in the sequence.
 */
public final class Selection {
    public final int n;
    public final int k;
    public final int[] count;
    public final long[] pos;
    public final double[] dist;
    public final int[] idx;
    /** Key rows walked by the curve windows (0 for the oracle). */
    public long rowsWalked;
    /** Components of q or k outside the quantiser range (clamped to the grid's edge). */
    public long clampedComponents;

    public Selection(int n, int k) {
        this.n = n;
        this.k = k;
        this.count = new int[n];
        this.pos = new long[(long) n * k > Integer.MAX_VALUE ? fail(n, k) : n * k];
        this.dist = new double[n * k];
        this.idx = new int[n * k];
    }

    private static int fail(int n, int k) {
        throw new IllegalArgumentException("n·k = " + ((long) n * k) + " exceeds one array; split the sequence");
    }

    /** Drains a query's heap into its slot. */
    void take(int query, TopK top) {
        count[query] = top.drainSorted(dist, pos, idx, query * k);
    }

    /** Selected positions of query i, best first. */
    public long[] positionsOf(int i) {
        return java.util.Arrays.copyOfRange(pos, i * k, i * k + count[i]);
    }

    /** Selected squared distances of query i, best first. */
    public double[] distancesOf(int i) {
        return java.util.Arrays.copyOfRange(dist, i * k, i * k + count[i]);
    }
}
