/**
 * Input generators: seeded synthetic sequences ({@link io.zetaspark.job.data.SyntheticTokens},
 * the quick start's default input) and real text turned into a long token sequence of word vectors
 * ({@link io.zetaspark.job.data.TextTokens}, reading {@code ../shared/data} or a given path).
 *
 * <p>What must not live here: the operator. Generators produce input frames in the operator's
 * schema; the vectors themselves come from {@code io.zetaspark.kernels} so that the engine's tests
 * and the Spark job see the same tokens.
 */
package io.zetaspark.job.data;
