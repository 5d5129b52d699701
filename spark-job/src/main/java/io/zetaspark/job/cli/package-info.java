/**
 * The command line ({@link io.zetaspark.job.cli.ZetaCli}: {@code run}, {@code evaluate},
 * {@code generate}), its shared options and the Spark session it starts
 * ({@link io.zetaspark.job.cli.SparkSessions}). Exit codes: 0 success, 2 bad input or usage.
 *
 * <p>What must not live here: anything a library user needs. A command parses options, calls the
 * public API ({@code Zeta}, {@code io}) and prints a summary; it holds no plan logic.
 */
package io.zetaspark.job.cli;
