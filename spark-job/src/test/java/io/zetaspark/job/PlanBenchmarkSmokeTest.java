package io.zetaspark.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.bench.PlanBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan benchmark on tiny sizes, so that the program cannot rot (its figures are not checked). */
class PlanBenchmarkSmokeTest {
    @Test
    void smokeRunProducesEveryTable(@TempDir Path dir) throws Exception {
        String md = PlanBenchmark.run(SparkTestSession.get(), new long[] {2048, 4096}, 1, 2048, true,
                dir.resolve("BENCHMARKS.md"));
        assertTrue(md.contains("| 4,096 | one sequence |") && md.contains("| 4,096 | mix |"), md);
        assertTrue(Files.size(dir.resolve("img/plan-scaling.png")) > 1000, "the scaling plot");
        assertTrue(md.contains("Growth exponent"), md);
        assertTrue(md.contains("### The quick start's input"), md);
        assertTrue(md.contains("recall@32"), md);
        assertTrue(md.matches("(?s).*\\| 4,096 \\| 200 \\| [01]\\.\\d{4} .*"), md);
    }
}
