package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** recall@k counts ties as correct; an exact run against itself is perfect. */
class RecallEvaluatorTest {

    private static RecallEvaluator one(double[] approx, double[] exact) {
        RecallEvaluator ev = new RecallEvaluator();
        ev.add(approx, 0, approx.length, exact, 0, exact.length, null, 0, null, 0, 0);
        return ev;
    }

    @Test
    void aKeyAtExactlyTheKthDistanceCountsAsCorrect() {
        // exact top-4 distances; the approximate set found other keys at the tied k-th distance
        double[] exact = {0, 1, 2, 2};
        assertEquals(1.0, one(new double[] {0, 1, 2, 2}, exact).recall());
        assertEquals(1.0, one(new double[] {0, 2, 2, 2}, exact).recall(), "three keys at the k-th distance");
    }

    @Test
    void aKeyBeyondTheKthDistanceDoesNotCount() {
        double[] exact = {0, 1, 2, 2};
        assertEquals(0.75, one(new double[] {0, 1, 2, Math.nextUp(2.0)}, exact).recall());
        assertEquals(0.5, one(new double[] {1, 2}, exact).recall(), "fewer keys returned");
        RecallEvaluator none = one(new double[] {3, 4, 5, 6}, exact);
        assertEquals(0.0, none.recall());
        assertEquals(0.0, none.minQueryRecall());
        assertEquals(0.0, none.perfectFraction());
    }

    @Test
    void recallIsMicroAveragedOverQueries() {
        RecallEvaluator ev = one(new double[] {0, 1, 2, 9}, new double[] {0, 1, 2, 3});
        ev.merge(one(new double[] {5, 9}, new double[] {0, 1}));
        assertEquals(3.0 / 6.0, ev.recall(), 1e-15);
        assertEquals(0.0, ev.minQueryRecall());
        assertEquals(2, ev.queries());
    }

    @Test
    void outputErrorIsRelativeL2() {
        RecallEvaluator ev = new RecallEvaluator();
        float[] approx = {3, 4, 1};
        float[] exact = {3, 0, 1};
        ev.add(new double[0], 0, 0, new double[0], 0, 0, approx, 0, exact, 0, 3);
        assertEquals(4 / Math.sqrt(10), ev.maxRelativeError(), 1e-12);
        assertEquals(4 / Math.sqrt(10), ev.meanRelativeError(), 1e-12);
    }

    @Test
    void oracleAgainstOracleIsPerfectOnHeavyTies() {
        TokenSequence s = Fixtures.generate(TokenGenerator.Kind.TIES, 9, 3, 4, 1500, 1);
        ZetaParams p = ZetaParams.defaults().withExact(true).withK(16);
        AttentionResult a = new ZetaAttention(p).run(s);
        AttentionResult b = new ZetaAttention(p).run(Fixtures.copy(s));
        RecallEvaluator ev = RecallEvaluator.compare(a, b);
        assertEquals(1.0, ev.recall());
        assertEquals(1.0, ev.minQueryRecall());
        assertEquals(1.0, ev.perfectFraction());
        assertEquals(0.0, ev.maxRelativeError());
        assertEquals(0.0, ev.meanRelativeError());
        assertEquals(1500, ev.queries());
    }

    @Test
    void tiedAlternativesAreNotPenalisedButMissesAre() {
        // all keys identical: any k eligible keys are a correct answer, even the oldest ones
        TokenSequence s = ExactnessLimitTest.identicalKeys(300, true);
        ZetaParams p = ZetaParams.defaults().withK(8).withChunkSize(16).withWindow(2).withCurves(1);
        AttentionResult approx = new ZetaAttention(p).run(s);
        AttentionResult exact = new ZetaAttention(p.withExact(true)).run(s);
        RecallEvaluator ev = RecallEvaluator.compare(approx, exact);
        // W = 2 finds at most two earlier-chunk keys: recall < 1 only where the own chunk is short
        System.out.println("identical keys, W=2, one curve: " + ev);
        // every returned key is at distance 0 = the k-th exact distance: all count, so recall is returned / expected
        long returned = 0;
        long expected = 0;
        for (int i = 0; i < s.size(); i++) {
            returned += approx.selection.count[i];
            expected += exact.selection.count[i];
        }
        assertEquals(returned / (double) expected, ev.recall(), 1e-15);
        org.junit.jupiter.api.Assertions.assertTrue(ev.recall() < 1.0, "W = 2 must miss some keys here");
    }
}
