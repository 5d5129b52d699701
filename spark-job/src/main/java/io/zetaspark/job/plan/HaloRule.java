package io.zetaspark.job.plan;

import java.io.Serializable;

/**
 * How many key rows a sorted run must borrow from its neighbouring partitions so that every query
 * in it finds the same W/2 eligible keys on each side as in the unsplit run (docs/ALGORITHM.md,
 * "Window rule"). Causal: keys below the smallest cut (chunk start) of the queries next to the
 * boundary are eligible for each of them, so W/2 of those suffice. Bidirectional: only the query's
 * own chunk (at most M keys) is skipped, so W/2 + M keys of any position suffice.
 */
final class HaloRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean causal;
    private final int needed;

    HaloRule(boolean causal, int chunkSize, int halfWindow) {
        this.causal = causal;
        this.needed = causal ? halfWindow : halfWindow + chunkSize;
    }

    /** Number of counting keys a halo needs. */
    int needed() {
        return needed;
    }

    /** Whether a key at pos counts toward a requirement (keys below {@code min}, the smallest cut). */
    boolean counts(long pos, long min) {
        return !causal || pos < min;
    }

    /** Whether some query next to the boundary may use a key at pos (below {@code max}, the largest cut). */
    boolean useful(long pos, Long max) {
        return !causal || max == null || pos < max;
    }
}
