package io.zetaspark.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.bench.PlanBenchmark;
import org.junit.jupiter.api.Test;

/** The plan benchmark on tiny sizes, so that the program cannot rot (its figures are not checked). */
class PlanBenchmarkSmokeTest {
    @Test
    void smokeRunProducesEveryTable() throws Exception {
        String md = PlanBenchmark.run(SparkTestSession.get(), new long[] {2048, 4096}, 1, 2048, true);
        assertTrue(md.contains("| 4,096 |"), md);
        assertTrue(md.contains("Growth exponent"), md);
        assertTrue(md.contains("### The quick start's input"), md);
        assertTrue(md.contains("recall@32"), md);
        assertTrue(md.matches("(?s).*\\| 4,096 \\| 200 \\| [01]\\.\\d{4} .*"), md);
    }
}
