package io.zetaspark.kernels;

/**
 * Brute-force exact top-k T(p) (docs/ALGORITHM.md): every eligible key scored, same distance
 * expression and tie rule as the approximate path. Used by {@code exact=true}, by the tests and by
 * recall evaluation. O(n) per query.
 */
public final class ExactOracle {
    private ExactOracle() {
    }

    /** Exact selection for every token. */
    public static Selection select(TokenSequence s, ZetaParams params) {
        int n = s.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return selectFor(s, params, all);
    }

    /**
     * Exact selection for the given token indices only; entry i of the result belongs to
     * {@code queries[i]}.
     */
    public static Selection selectFor(TokenSequence s, ZetaParams params, int[] queries) {
        int n = s.size();
        int d = s.d();
        int kk = params.k();
        boolean causal = params.causal();
        boolean self = params.includeSelf();
        long[] pos = s.pos();
        float[] q = s.q();
        float[] k = s.k();
        Selection sel = new Selection(queries.length, kk);
        TopK top = new TopK(kk);
        for (int r = 0; r < queries.length; r++) {
            int i = queries[r];
            top.reset(kk);
            int end = causal ? (self ? i + 1 : i) : n;
            for (int j = 0; j < end; j++) {
                if (!self && j == i) {
                    continue;
                }
                double dist = Distances.squared(q, i * d, k, j * d, d);
                if (top.accepts(dist, pos[j])) {
                    top.offer(dist, pos[j], j);
                }
            }
            sel.take(r, top);
        }
        return sel;
    }
}
