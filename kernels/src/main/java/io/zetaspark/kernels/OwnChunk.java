package io.zetaspark.kernels;

/**
 * The own-chunk part of the selection (docs/ALGORITHM.md, "Own chunk, exact"): every eligible key of
 * the query's chunk scored exactly. The in-memory engine does this inside its selector; the
 * distributed plan's position sites call this on the tokens of one chunk, in position order.
 */
public final class OwnChunk {
    private OwnChunk() {
    }

    /**
     * Offers to {@code top} (not reset) the keys {@code [from, to)} of a position-sorted array, except
     * {@code skip} (the query itself when it may not select its own key; −1 for none), with their
     * position in the position slot and their index as payload.
     */
    public static void offer(long[] pos, float[] k, int d, int from, int to, int skip, float[] q, int qOff,
                             TopK top) {
        for (int j = from; j < to; j++) {
            if (j == skip) {
                continue;
            }
            top.offer(Distances.squared(q, qOff, k, j * d, d), pos[j], j);
        }
    }

    /**
     * As {@link #offer}, offering only keys that come before the bound ({@code boundDist},
     * {@code boundPos}) in candidate order: a key at or after the k-th candidate a query already
     * has from elsewhere cannot be among its best k.
     */
    public static void offerBefore(long[] pos, float[] k, int d, int from, int to, int skip, float[] q, int qOff,
                                   double boundDist, long boundPos, TopK top) {
        for (int j = from; j < to; j++) {
            if (j == skip) {
                continue;
            }
            double dist = Distances.squared(q, qOff, k, j * d, d);
            if (TopK.better(dist, pos[j], boundDist, boundPos)) {
                top.offer(dist, pos[j], j);
            }
        }
    }

    /**
     * The eligible own-chunk keys of query {@code i} in a position-sorted array whose chunk is
     * {@code [chunkFrom, chunkTo)}: {@code [chunkFrom, i]} (causal, with self), {@code [chunkFrom, i)}
     * (causal, without), the whole chunk (bidirectional; without self, all but i, which the caller
     * skips). Returns the range's end.
     */
    public static int end(int i, int chunkTo, boolean causal, boolean self) {
        return causal ? (self ? i + 1 : i) : chunkTo;
    }
}
