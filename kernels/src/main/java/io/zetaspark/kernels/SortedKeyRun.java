package io.zetaspark.kernels;

/**
 * The key copies of one (level, curve) sorted by (code, pos) (docs/ALGORITHM.md, "Chunks and nested
 * prefix blocks"): the run that the window rule walks. Built from the first {@code keyCount} tokens
 * of a sequence (a level's keys are a prefix in position order); a stable sort by code of token
 * indices already in position order gives the (code, pos) order. {@code id[r]} is the token index
 * of row r.
 *
 * <p>Shared by the in-memory engine, the window-stage benchmark and the tests that check
 * {@link WindowBatch} against the engine.
 */
public final class SortedKeyRun {
    public final long[] codes;
    public final long[] pos;
    public final float[] vec;
    public final int[] id;

    private SortedKeyRun(long[] codes, long[] pos, float[] vec, int[] id) {
        this.codes = codes;
        this.pos = pos;
        this.vec = vec;
        this.id = id;
    }

    public int size() {
        return codes.length;
    }

    /**
     * The runs of every curve over the first {@code keyCount} tokens.
     *
     * @param kCodes key codes, {@code kCodes[i·curves + c]} for token i on curve c
     * @param k      key vectors, d per token
     * @param pos    token positions (ascending)
     */
    public static SortedKeyRun[] forLevel(long[] kCodes, float[] k, int d, int curves, int keyCount, long[] pos) {
        SortedKeyRun[] runs = new SortedKeyRun[curves];
        long[] key = new long[keyCount];
        long[] keyTmp = new long[keyCount];
        int[] tmp = new int[keyCount];
        for (int c = 0; c < curves; c++) {
            int[] order = new int[keyCount];
            sortCurve(kCodes, curves, c, keyCount, key, order, keyTmp, tmp);
            long[] cc = new long[keyCount];
            long[] pp = new long[keyCount];
            float[] vv = new float[keyCount * d];
            for (int r = 0; r < keyCount; r++) {
                int t = order[r];
                cc[r] = key[r];
                pp[r] = pos[t];
                System.arraycopy(k, t * d, vv, r * d, d);
            }
            runs[c] = new SortedKeyRun(cc, pp, vv, order);
        }
        return runs;
    }

    /**
     * Curve c's codes of the first {@code keyCount} tokens, sorted, into {@code key}, and into
     * {@code order} the token indices in (code, pos) order: a stable sort by code of indices already
     * in position order, so {@code key[r]} is the code of token {@code order[r]}. {@code keyTmp} and
     * {@code tmp} are the sort's scratch (at least keyCount long).
     */
    static void sortCurve(long[] kCodes, int curves, int c, int keyCount, long[] key, int[] order, long[] keyTmp,
                          int[] tmp) {
        for (int i = 0; i < keyCount; i++) {
            key[i] = kCodes[i * curves + c];
            order[i] = i;
        }
        LongIndexSort.sortPairs(key, order, 0, keyCount, keyTmp, tmp);
    }
}
