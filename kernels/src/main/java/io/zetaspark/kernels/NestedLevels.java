package io.zetaspark.kernels;

/**
 * The nested prefix blocks {@code [0, 2^ℓ·M)} that bound the curve search (docs/ALGORITHM.md,
 * "Chunks and nested prefix blocks"). All arithmetic is on chunk numbers {@code floor(pos / M)}.
 *
 * <p>A query of chunk c ≥ 1 searches level {@code ℓ(c) = ceil(log2(c+1))}; a key of chunk j is
 * copied into every level ℓ ≥ {@code minKeyLevel(j)} up to the sequence's top level. In level ℓ at
 * least the keys of chunks below {@code 2^(ℓ−1)} are eligible for every query, which is what bounds
 * both the scan and the halo a partition needs.
 */
public final class NestedLevels {
    private NestedLevels() {
    }

    /** The level searched by queries of chunk c (0 for chunk 0, which has no earlier chunk). */
    public static int queryLevel(long chunk) {
        if (chunk < 0) {
            throw new IllegalArgumentException("negative chunk " + chunk);
        }
        return chunk == 0 ? 0 : 64 - Long.numberOfLeadingZeros(chunk);
    }

    /** The lowest level holding a copy of a key of chunk j: the smallest ℓ ≥ 1 with j < 2^ℓ − 1. */
    public static int minKeyLevel(long chunk) {
        return 64 - Long.numberOfLeadingZeros(chunk + 1);
    }

    /** First chunk whose queries search level ℓ ≥ 1: 2^(ℓ−1). */
    public static long firstQueryChunk(int level) {
        return 1L << (level - 1);
    }

    /** Last chunk whose queries search level ℓ ≥ 1: 2^ℓ − 1. */
    public static long lastQueryChunk(int level) {
        return (1L << level) - 1;
    }

    /** Keys of chunks below this bound are eligible for every query of level ℓ ≥ 1. */
    public static long universalChunkBound(int level) {
        return 1L << (level - 1);
    }
}
