package io.zetaspark.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The nested prefix blocks that bound the curve search (docs/ALGORITHM.md, "Chunks and nested
 * prefix blocks"): the one Java home of the level rule, called by the in-memory engine, the window
 * batches and the Spark plan (the CUDA twin in {@code zeta_forward.cu} is pinned to it by the GPU
 * equality tests).
 *
 * <p>All arithmetic is on <i>relative</i> chunk numbers {@code floor(pos / M) − base}, where
 * {@code base} is the chunk of the sequence's first token. Anchoring at the first token keeps the
 * rule prefix-stable (appending tokens never moves the first one) and makes it independent of how
 * far from 0 the positions start (epoch-millisecond positions get the same levels as positions
 * from 0). A query of relative chunk c ≥ 1 searches level {@code ℓ(c) = ceil(log2(c+1))}; a key of
 * relative chunk j is needed in every level ℓ ≥ {@code minKeyLevel(j)} that has queries. In level
 * ℓ at least the keys of relative chunks below {@code 2^(ℓ−1)} are eligible for every query of the
 * level, which bounds the scan.
 *
 * <p>The levels only bound how far a window walk goes: every key eligible for a query of level ℓ
 * lies in the level's block, so the selected sets do not depend on the anchoring (the window rule
 * is defined on the whole sequence's sorted order).
 */
public final class NestedLevels {
    private NestedLevels() {
    }

    /** The level searched by queries of relative chunk c (0 for chunk 0, which has no earlier chunk). */
    public static int queryLevel(long chunk) {
        if (chunk < 0) {
            throw new IllegalArgumentException("negative chunk " + chunk);
        }
        return chunk == 0 ? 0 : 64 - Long.numberOfLeadingZeros(chunk);
    }

    /** The lowest level holding a copy of a key of relative chunk j: the smallest ℓ ≥ 1 with j < 2^ℓ − 1. */
    public static int minKeyLevel(long chunk) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(chunk + 1));
    }

    /** Last relative chunk whose queries search level ℓ ≥ 1: 2^ℓ − 1 (saturating at Long.MAX_VALUE). */
    public static long lastQueryChunk(int level) {
        return level >= 63 ? Long.MAX_VALUE : (1L << level) - 1;
    }

    /** Keys of relative chunks below this bound are eligible for every query of level ℓ ≥ 1. */
    public static long universalChunkBound(int level) {
        return 1L << (level - 1);
    }

    /** The first position of absolute chunk {@code base + relChunk}, saturating at Long.MAX_VALUE. */
    public static long chunkStart(long base, long relChunk, long m) {
        long chunk = relChunk > Long.MAX_VALUE - base ? Long.MAX_VALUE : base + relChunk;
        return chunk > Long.MAX_VALUE / m ? Long.MAX_VALUE : chunk * m;
    }

    /**
     * Whether a key at {@code pos} is eligible for every query of level ℓ of a sequence whose first
     * chunk is {@code base} (what a site of the distributed plan counts to route a walk that leaves it).
     */
    public static boolean universal(long pos, long base, int level, long m) {
        return pos < chunkStart(base, universalChunkBound(level), m);
    }

    /** One step of a sequence's level plan: queries {@code [queryFrom, queryTo)} search the keys {@code [0, keyCount)}. */
    public static final class Step {
        public final int level;
        public final int queryFrom;
        public final int queryTo;
        public final int keyCount;

        Step(int level, int queryFrom, int queryTo, int keyCount) {
            this.level = level;
            this.queryFrom = queryFrom;
            this.queryTo = queryTo;
            this.keyCount = keyCount;
        }
    }

    /**
     * The level plan of one in-memory sequence ({@code pos} ascending): consecutive query ranges of
     * equal level, each with the prefix of tokens its block holds. Causal: levels of the relative
     * chunks, keys of relative chunks below {@code 2^ℓ − 1}; level 0 (the first chunk) has no keys.
     * Bidirectional: one step, every token a query and a key.
     */
    public static List<Step> plan(long[] pos, int n, long m, boolean causal) {
        List<Step> steps = new ArrayList<>();
        if (n == 0) {
            return steps;
        }
        if (!causal) {
            steps.add(new Step(1, 0, n, n));
            return steps;
        }
        long base = pos[0] / m;
        int i = 0;
        while (i < n) {
            int level = queryLevel(pos[i] / m - base);
            int end = i + 1;
            while (end < n && queryLevel(pos[end] / m - base) == level) {
                end++;
            }
            int keys = level == 0 ? 0 : countBelow(pos, n, chunkStart(base, lastQueryChunk(level), m));
            steps.add(new Step(level, i, end, keys));
            i = end;
        }
        return steps;
    }

    /** Tokens whose position is below {@code limit} (positions ascending). */
    static int countBelow(long[] pos, int n, long limit) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pos[mid] < limit) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
