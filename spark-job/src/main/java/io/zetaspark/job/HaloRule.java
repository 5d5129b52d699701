package io.zetaspark.job;

import io.zetaspark.kernels.NestedLevels;
import java.io.Serializable;
import java.util.Map;

/**
 * How many key rows a sorted run must borrow from its neighbouring partitions so that every query
 * in it finds the same W/2 eligible keys on each side as in the unsplit run (docs/ALGORITHM.md,
 * "Window rule"). Causal level ℓ: keys of relative chunks below {@code 2^(ℓ−1)} (levels anchored at
 * the sequence's first chunk, {@link NestedLevels}) are eligible for every query of the level, so
 * W/2 of them suffice. Bidirectional: only the query's own chunk (at most M keys) is
 * skipped, so W/2 + M keys suffice.
 */
final class HaloRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean causal;
    private final long chunkSize;
    private final int needed;
    private final Map<String, Long> bases;

    /** {@code bases}: the first chunk of every sequence (causal mode). */
    HaloRule(boolean causal, int chunkSize, int halfWindow, Map<String, Long> bases) {
        this.causal = causal;
        this.bases = bases;
        this.chunkSize = chunkSize;
        this.needed = causal ? halfWindow : halfWindow + chunkSize;
    }

    /** Number of counting keys a halo needs. */
    int needed() {
        return needed;
    }

    /** Whether a key of this level counts toward the halo requirement. */
    boolean counts(String seq, int level, long pos) {
        if (!causal) {
            return true;
        }
        return NestedLevels.universal(pos, bases.get(seq), level, chunkSize);
    }
}
