/**
 * The Spark side of zeta-spark: the distributed plan ({@link io.zetaspark.job.ZetaPlan}: Catalyst
 * Morton codes, range-sorted window runs with halo exchange, per-query merge, value gather, mean
 * slot, per-chunk final stage), the distributed evaluator, input validation, atomic output, the
 * Spark ML transformer, the one-call helper and the CLI.
 *
 * <p>What must not live here: numerics. Every distance, top-k, window rule, weight and sum comes
 * from {@code io.zetaspark.kernels}, so the plan reproduces the in-memory engine bit for bit; this
 * package only chooses partitioning, validates, and wires stages.
 */
package io.zetaspark.job;
