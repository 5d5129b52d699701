package io.zetaspark.kernels;

/**
 * Outputs of the operator for one sequence, in position order: {@code out} (flat, dv per token),
 * the selection (neighbour positions and distances), normalised neighbour weights and the
 * novelty score {@code nnDist} (Euclidean distance to the nearest selected key, +∞ when none).
 */
public final class AttentionResult {
    public final long[] pos;
    public final int dv;
    public final float[] out;
    public final Selection selection;
    public final float[] nbrW;
    public final double[] nnDist;

    /** Wraps computed outputs (engines outside this package, such as the GPU engine, build results too). */
    public AttentionResult(long[] pos, int dv, float[] out, Selection selection, float[] nbrW, double[] nnDist) {
        this.pos = pos;
        this.dv = dv;
        this.out = out;
        this.selection = selection;
        this.nbrW = nbrW;
        this.nnDist = nnDist;
    }

    public int size() {
        return pos.length;
    }

    /** The output vector of token i. */
    public float[] outOf(int i) {
        return java.util.Arrays.copyOfRange(out, i * dv, i * dv + dv);
    }

    /** The normalised weights of token i's selected keys, best first. */
    public float[] weightsOf(int i) {
        int k = selection.k;
        return java.util.Arrays.copyOfRange(nbrW, i * k, i * k + selection.count[i]);
    }
}
