/**
 * The public Spark API of zeta-spark. Start here:
 * <ul>
 *   <li>{@link io.zetaspark.job.Zeta}: one-call entry points ({@code attention}, {@code evaluate},
 *       {@code release});</li>
 *   <li>{@link io.zetaspark.job.ml.ZetaAttentionTransformer}: the same operator as a Spark ML
 *       {@code Transformer} (package {@code ml});</li>
 *   <li>{@link io.zetaspark.job.ZetaColumns}: input and output column names and the output schema;
 *       parameters are {@link io.zetaspark.kernels.ZetaParams} of the kernels module;</li>
 *   <li>{@link io.zetaspark.job.ZetaInputException}: the error every bad input raises, naming the
 *       column, the row key and the problem.</li>
 * </ul>
 *
 * <p>The sub-packages, by role: {@code plan} (the distributed plan and the distributed evaluator),
 * {@code io} (reading, validation, atomic output, formats), {@code cli} (the command line and its
 * Spark session), {@code ml} (the Transformer), {@code data} (synthetic and text sequences),
 * {@code bench} (benchmark programs that write docs/BENCHMARKS.md).
 *
 * <p>What must not live here: plan stages, file handling or commands. This package only names the
 * operator's contract; everything it does is delegated.
 */
package io.zetaspark.job;
