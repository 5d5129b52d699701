/**
 * The distributed plan of sequences too long for one task ({@link io.zetaspark.job.plan.sites.SitePlan}):
 * sites that are at once position blocks, ranges of each curve's (code, pos) order and homes of
 * queries; the steps they run ({@link io.zetaspark.job.plan.sites.SiteSteps}); their per-partition
 * state ({@link io.zetaspark.job.plan.sites.PosPart}, {@link io.zetaspark.job.plan.sites.SitePart},
 * {@link io.zetaspark.job.plan.sites.VarPart}); and the compact record batches they exchange
 * ({@link io.zetaspark.job.plan.sites.Batch}).
 *
 * <p>What must not live here: numerics. The window rule, the own chunk, the mean slot's sums, the
 * weights and outputs come from {@code io.zetaspark.kernels} ({@code SiteWindows}, {@code OwnChunk},
 * {@code MeanSums}, {@code Attention}), so the sites give the in-memory engine's bytes; this package
 * decides where records go and keeps what each step needs.
 */
package io.zetaspark.job.plan.sites;
