/**
 * The operator on Spark ({@link io.zetaspark.job.plan.ZetaPlan}) and the distributed evaluator
 * ({@link io.zetaspark.job.plan.ZetaEvaluation}): routing of sequences to tasks
 * ({@link io.zetaspark.job.plan.SequenceRoutes}), the in-task engine route
 * ({@link io.zetaspark.job.plan.LocalEngineStage}), the distributed plan of long sequences in
 * {@code plan.sites}, and exact mode's blocked brute force with its merge, mean-slot sums and
 * per-chunk final stage ({@link io.zetaspark.job.plan.BlockScan}). Row beans of the stages are in
 * {@code plan.rows}.
 *
 * <p>What must not live here: numerics, input checks and file output. Every distance, top-k,
 * window rule, level rule, weight and sum comes from {@code io.zetaspark.kernels}, so the plan
 * reproduces the in-memory engine bit for bit; this package chooses partitioning and wires stages.
 * Bad input is rejected earlier, by {@code io.InputValidator}; results are written by
 * {@code io.AtomicOutput}.
 */
package io.zetaspark.job.plan;
