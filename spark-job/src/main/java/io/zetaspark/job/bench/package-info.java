/**
 * Benchmark programs (run by {@code bin/zeta bench-plan}); they write their tables into
 * docs/BENCHMARKS.md. Spark's own stage metrics ({@code report.StageMetrics}, a listener) give rows and
 * bytes shuffled per stage; timings are min and median of several runs after a warm-up, as ratios
 * to a plain sort of the same rows in the same JVM.
 *
 * <p>What must not live here: anything the operator needs at run time, and timed assertions
 * (tests only check that a benchmark runs).
 */
package io.zetaspark.job.bench;
