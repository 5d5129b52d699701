/**
 * The operator as a Spark ML stage: {@link io.zetaspark.job.ml.ZetaAttentionTransformer}, whose
 * params mirror {@link io.zetaspark.kernels.ZetaParams} and the column names of
 * {@link io.zetaspark.job.ZetaColumns}; savable and usable in a {@code Pipeline}.
 *
 * <p>What must not live here: plan code. The Transformer validates its params and calls
 * {@link io.zetaspark.job.Zeta}.
 */
package io.zetaspark.job.ml;
