package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Property 4: default settings reach recall@32 ≥ 0.95 against the exact oracle (d = 3). */
class RecallTest {
    private static final int N = 65_536;
    private static final int SAMPLE = 2_000;

    private static RecallEvaluator measure(TokenGenerator.Kind kind) {
        TokenSequence s = new TokenGenerator(kind, 7, 3, 4).sequence(0, N, 1);
        ZetaParams params = ZetaParams.defaults();
        AttentionResult approx = new ZetaAttention(params).run(s);
        // exact results for a seeded sample of queries spread over the whole sequence
        int[] queries = new int[SAMPLE];
        for (int r = 0; r < SAMPLE; r++) {
            queries[r] = (int) (TokenGenerator.uniform(11, r, 0, 0) * N);
        }
        Selection exact = ExactOracle.selectFor(s, params, queries);
        RecallEvaluator ev = new RecallEvaluator();
        int k = params.k();
        for (int r = 0; r < SAMPLE; r++) {
            int i = queries[r];
            ev.add(approx.selection.dist, i * k, approx.selection.count[i], exact.dist, r * k, exact.count[r],
                    null, 0, null, 0, 0);
        }
        System.out.println("recall " + kind + " n=" + N + " defaults: " + ev
                + "; rows walked/query " + (approx.selection.rowsWalked / (double) N));
        return ev;
    }

    @Test
    void gaussianRecallAtDefaults() {
        assertTrue(measure(TokenGenerator.Kind.GAUSSIAN).recall() >= 0.95);
    }

    @Test
    void clusteredRecallAtDefaults() {
        assertTrue(measure(TokenGenerator.Kind.CLUSTERED).recall() >= 0.95);
    }

    @Test
    void textLikeTiesRecallAtDefaults() {
        assertTrue(measure(TokenGenerator.Kind.TIES).recall() >= 0.95);
    }
}
