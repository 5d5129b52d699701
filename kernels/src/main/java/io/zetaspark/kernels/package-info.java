/**
 * Pure-Java numerics of ZETA attention (Zeng et al., ICLR 2025): the Morton codec, the fixed-range
 * quantiser, shifted curves, the causal window search over Morton-sorted keys, allocation-free
 * top-k, the attention kernels with the mean slot, the exact brute-force oracle and the recall
 * evaluator, and {@link io.zetaspark.kernels.ZetaAttention}, the in-memory engine that every
 * distributed or GPU engine must reproduce bit for bit.
 *
 * <p>What must not live here: any Spark, Hadoop or Scala import. Hot loops work on primitive
 * arrays; no streams and no boxed collections on per-token paths. The exact rules are in
 * {@code docs/ALGORITHM.md}.
 */
package io.zetaspark.kernels;
