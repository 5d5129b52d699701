/**
 * Input and output: input files and formats ({@link io.zetaspark.job.io.InputFiles},
 * {@link io.zetaspark.job.io.DataFormat}), the validation pass that every input goes through
 * before the plan ({@link io.zetaspark.job.io.InputValidator}: schema, per-row checks, duplicate
 * keys, the shuffle that the plan reuses), and output that is committed atomically or not at all
 * ({@link io.zetaspark.job.io.AtomicOutput}; existing output is kept unless overwriting is asked for).
 *
 * <p>What must not live here: plan stages and numerics. The validator asks the plan how to route
 * sequences ({@code plan.SequenceRoutes}) so that its shuffle is the plan's first one, but it does
 * not compute attention.
 */
package io.zetaspark.job.io;
