package io.zetaspark.kernels;

/**
 * The pieces of the mean slot's hierarchical sums (docs/ALGORITHM.md, "Weights, mean slot and
 * outputs"; {@link HierarchicalSum}) for an engine that holds a sequence in pieces: a chunk's total
 * is its tokens' keys and values added in position order; a chunk's base is the totals of the earlier
 * chunks of its super-block added in chunk order; a super-block's base is the totals of the earlier
 * super-blocks added in order; a query's prefix is {@code (superBase + chunkBase) + own}, where
 * {@code own} is its chunk's tokens up to it. Every piece is the same double as in
 * {@link HierarchicalSum}, so the distributed plan gets the engine's bits (MeanSumsTest).
 */
public final class MeanSums {
    private MeanSums() {
    }

    /** Adds one token's key ({@code d}) and value ({@code dv}) components to {@code acc}. */
    public static void addToken(double[] acc, float[] k, int kOff, int d, float[] v, int vOff, int dv) {
        for (int i = 0; i < d; i++) {
            acc[i] += k[kOff + i];
        }
        for (int i = 0; i < dv; i++) {
            acc[d + i] += v[vOff + i];
        }
    }

    /** {@code acc += x}, component by component: closing a chunk into its super-block, or a super-block. */
    public static void addInto(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    /** {@code out = (superBase + chunkBase) + own}, the order of {@link HierarchicalSum#prefix}. */
    public static void prefix(double[] superBase, double[] chunkBase, double[] own, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (superBase[i] + chunkBase[i]) + own[i];
        }
    }
}
