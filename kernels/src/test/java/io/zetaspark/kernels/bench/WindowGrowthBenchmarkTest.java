package io.zetaspark.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.NestedLevels;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-level window measurement on a small sequence: a window covering every key is exact, a tiny one is not. */
class WindowGrowthBenchmarkTest {
    @Test
    void perLevelWindowsMeasureRecallAgainstTheOracle() {
        int n = 4096;
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 3, 3, 4).sequence(0, n, 1);
        ZetaParams base = ZetaParams.defaults().withK(8).withChunkSize(32);
        int[] queries = KernelBenchmark.sampleQueries(n, 300);
        Selection exact = ExactOracle.selectFor(s, base, queries);
        List<NestedLevels.Step> steps = NestedLevels.plan(s.pos(), n, base.chunkSize(), true);
        int top = steps.get(steps.size() - 1).level;
        WindowGrowthBenchmark.Result tiny = WindowGrowthBenchmark.measure(s,
                new WindowGrowthBenchmark.Scheme("tiny", l -> 2), base, steps, queries, exact, top);
        WindowGrowthBenchmark.Result growing = WindowGrowthBenchmark.measure(s,
                new WindowGrowthBenchmark.Scheme("growing", l -> 2 << l), base, steps, queries, exact, top);
        WindowGrowthBenchmark.Result all = WindowGrowthBenchmark.measure(s,
                new WindowGrowthBenchmark.Scheme("all", l -> 2 * n), base, steps, queries, exact, top);
        assertEquals(300, all.all.queries());
        long perLevel = 0;
        for (int l = 0; l <= top; l++) {
            perLevel += all.byLevel[l].queries();
        }
        assertEquals(300, perLevel, "every sampled query counted in its level");
        assertEquals(1.0, all.all.recall(), "a window over every key is the exact selection");
        assertTrue(tiny.all.recall() < 0.9, "two candidates per curve miss neighbours: " + tiny.all.recall());
        assertTrue(growing.candidatesPerQuery > tiny.candidatesPerQuery);
        String md = WindowGrowthBenchmark.render(List.of(tiny, growing, all), n, queries.length, top, 1.0, "");
        assertTrue(md.startsWith(WindowGrowthBenchmark.SECTION), md);
        assertTrue(md.contains("| all | " + 2 * n + " |"), md);
    }
}
