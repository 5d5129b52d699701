package io.zetaspark.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark replaces only its own section of docs/BENCHMARKS.md. */
class KernelBenchmarkTest {
    private static final String MINE = KernelBenchmark.SECTION + "\n\nnew table\n";

    @Test
    void replacesOnlyItsOwnSection() {
        String text = "# Benchmarks\n\nintro\n\n## Spark job\n\nspark table\n\n" + KernelBenchmark.SECTION
                + "\n\nold table\n```\n## not a heading inside a code block\n```\n\n## GPU\n\ngpu table\n";
        String out = KernelBenchmark.replaceSection(text, MINE);
        assertEquals("# Benchmarks\n\nintro\n\n## Spark job\n\nspark table\n\n" + MINE + "\n## GPU\n\ngpu table\n", out);
    }

    @Test
    void appendsWhenAbsentAndIsIdempotent() {
        String text = "# Benchmarks\n\n## Spark job\n\nspark table\n";
        String once = KernelBenchmark.replaceSection(text, MINE);
        assertTrue(once.startsWith(text));
        assertTrue(once.endsWith(MINE));
        assertEquals(once, KernelBenchmark.replaceSection(once, MINE));
    }

    @Test
    void sectionAtTheEndIsReplaced() {
        String text = "# B\n\n" + KernelBenchmark.SECTION + "\n\nold\nmore old\n";
        assertEquals("# B\n\n" + MINE, KernelBenchmark.replaceSection(text, MINE));
    }

    @Test
    void medianAndMin() {
        assertEquals(2.0, KernelBenchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, KernelBenchmark.median(new double[] {4, 1, 2, 3}));
        assertEquals(1.0, KernelBenchmark.min(new double[] {3, 1, 2}));
    }
}
