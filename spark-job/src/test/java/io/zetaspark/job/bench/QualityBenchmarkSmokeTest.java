package io.zetaspark.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaParams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality benchmark on a tiny size, so that the program cannot rot (its figures are not checked). */
class QualityBenchmarkSmokeTest {
    @TempDir
    Path dir;

    @Test
    void smokeRunWritesTheSectionAndThePlots() throws Exception {
        Path report = dir.resolve("BENCHMARKS.md");
        QualityBenchmark.main(new String[] {"3000", "60", report.toString()});
        String md = Files.readString(report);
        assertTrue(md.contains(QualityBenchmark.HEADING), md);
        assertTrue(md.contains("| gaussian d=8 | defaults |"), md);
        assertTrue(md.contains("paper: 1 curve, W=768"), md);
        assertTrue(Files.size(dir.resolve("img/quality-recall-by-window.png")) > 1000);
        assertTrue(Files.size(dir.resolve("img/quality-recall-by-position.png")) > 1000);
    }

    @Test
    void theExactSelectionScoresPerfectRecallAndNoError() {
        // a check that can fail: exact mode against the exact truth
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.TIES, 2, 3, 4).sequence(1, 1500, 1);
        QualityBenchmark.Row r = QualityBenchmark.measure("ties", "exact", s, ZetaParams.defaults().withK(8).withExact(true), 100);
        assertEquals(1.0, r.recall());
        assertEquals(0.0, r.errExact(), 1e-7);
        assertTrue(r.errDense() > 0, "top-k attention differs from dense attention");
    }
}
