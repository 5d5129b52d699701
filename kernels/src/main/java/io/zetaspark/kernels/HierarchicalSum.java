package io.zetaspark.kernels;

/**
 * Running sums of the mean slot in the fixed hierarchical order of docs/ALGORITHM.md ("Weights,
 * mean slot and outputs"): values are added in position order within a chunk; completed chunk
 * totals are added in chunk order within a super-block of M chunks; completed super-block totals
 * are added in order. The prefix is {@code (superblocks + chunks) + ownChunk}. Because each partial
 * sum covers a range of positions fixed by M alone, the Spark job can build the same doubles from
 * per-chunk and per-super-block aggregates on any partitioning.
 */
public final class HierarchicalSum {
    private final int width;
    private final long chunkSize;
    private final double[] superblocks; // A: completed super-block totals
    private final double[] chunks; // B: completed chunks of the current super-block
    private final double[] own; // C: the current chunk so far
    private long count;
    private long currentChunk = Long.MIN_VALUE;
    private long currentSuper = Long.MIN_VALUE;

    public HierarchicalSum(int width, int chunkSize) {
        this.width = width;
        this.chunkSize = chunkSize;
        this.superblocks = new double[width];
        this.chunks = new double[width];
        this.own = new double[width];
    }

    public int width() {
        return width;
    }

    /** Number of vectors added so far. */
    public long count() {
        return count;
    }

    /** Adds the vector at pos (positions must arrive in increasing order): a[aOff..aOff+wa) then b[bOff..]. */
    public void add(long pos, float[] a, int aOff, int wa, float[] b, int bOff, int wb) {
        advanceTo(pos);
        for (int i = 0; i < wa; i++) {
            own[i] += a[aOff + i];
        }
        for (int i = 0; i < wb; i++) {
            own[wa + i] += b[bOff + i];
        }
        count++;
    }

    /**
     * Moves to the chunk of {@code pos} without adding anything, closing the current chunk (and its
     * super-block) when pos lies beyond them. {@link #prefix} then gives the sum of everything before
     * pos in the hierarchical order: the exclusive prefix. Positions must not decrease.
     */
    public void advanceTo(long pos) {
        long chunk = pos / chunkSize;
        if (chunk != currentChunk) {
            long sup = chunk / chunkSize;
            closeChunk();
            if (sup != currentSuper) {
                closeSuper();
                currentSuper = sup;
            }
            currentChunk = chunk;
        }
    }

    private void closeChunk() {
        for (int i = 0; i < width; i++) {
            chunks[i] += own[i];
            own[i] = 0.0;
        }
    }

    private void closeSuper() {
        for (int i = 0; i < width; i++) {
            superblocks[i] += chunks[i];
            chunks[i] = 0.0;
        }
    }

    /** Writes the current prefix sum {@code (A + B) + C} into out[0..width). */
    public void prefix(double[] out) {
        for (int i = 0; i < width; i++) {
            out[i] = (superblocks[i] + chunks[i]) + own[i];
        }
    }

    /** Closes everything and writes the total (A after the last chunk and super-block closed). */
    public void total(double[] out) {
        closeChunk();
        closeSuper();
        currentChunk = Long.MIN_VALUE;
        currentSuper = Long.MIN_VALUE;
        System.arraycopy(superblocks, 0, out, 0, width);
    }
}
