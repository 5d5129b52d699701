package io.zetaspark.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.bench.SkewBenchmark;
import org.junit.jupiter.api.Test;

/** The skew benchmark on a tiny input, so that the program cannot rot (its figures are not checked). */
class SkewBenchmarkSmokeTest {
    @Test
    void smokeRunListsTheStagesWithTheirShares() throws Exception {
        String md = SkewBenchmark.run(SparkTestSession.get(), 6_000, 300, 4, 1);
        assertTrue(md.contains("one Gaussian sequence of 6,000 tokens and 300 sequences of 4 tokens (7,200 tokens"), md);
        assertTrue(md.matches("(?s).*\\| \\d+ \\| [^|]+ \\| \\d+ \\| [\\d.]+ \\| [\\d,]+ \\| [\\d,]+ \\| \\d+\\.\\d\\d \\|.*"), md);
        assertTrue(md.contains("a plain global sort of the same rows"), md);
    }
}
