/**
 * The run report ({@code zeta run --report FILE}): {@link io.zetaspark.job.report.StageMetrics}
 * (Spark's per-stage task metrics through a listener, also used by the benchmarks),
 * {@link io.zetaspark.job.report.Phases} (wall-clock phases that name the jobs),
 * {@link io.zetaspark.job.report.OutputHistograms} (distributions of the output, aggregated on the
 * cluster), {@link io.zetaspark.job.report.RunChecks} (health checks from measured figures) and
 * {@link io.zetaspark.job.report.RunReport} (one self-contained HTML page with inline SVG).
 *
 * <p>What must not live here: anything the operator's result depends on. A report only reads what a
 * run measured.
 */
package io.zetaspark.job.report;
