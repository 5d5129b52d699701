package io.zetaspark.job;

import io.zetaspark.kernels.NestedLevels;
import java.io.Serializable;

/**
 * How many key rows a sorted run must borrow from its neighbouring partitions so that every query
 * in it finds the same W/2 eligible keys on each side as in the unsplit run (docs/ALGORITHM.md,
 * "Window rule"). Causal level ℓ: keys below {@code 2^(ℓ−1)·M} are eligible for every query of the
 * level, so W/2 of them suffice. Bidirectional: only the query's own chunk (at most M keys) is
 * skipped, so W/2 + M keys suffice.
 */
final class HaloRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean causal;
    private final long chunkSize;
    private final int needed;

    HaloRule(boolean causal, int chunkSize, int halfWindow) {
        this.causal = causal;
        this.chunkSize = chunkSize;
        this.needed = causal ? halfWindow : halfWindow + chunkSize;
    }

    /** Number of counting keys a halo needs. */
    int needed() {
        return needed;
    }

    /** Whether a key of this level counts toward the halo requirement. */
    boolean counts(int level, long pos) {
        if (!causal) {
            return true;
        }
        long chunkBound = NestedLevels.universalChunkBound(level);
        long bound = chunkBound > Long.MAX_VALUE / chunkSize ? Long.MAX_VALUE : chunkBound * chunkSize;
        return pos < bound;
    }
}
