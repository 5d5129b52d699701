/**
 * The GPU path of the kernels: a JNI binding to {@code libzetacuda.so} (CUDA sources in
 * {@code kernels/src/main/cuda}, packaged in the jar at {@link io.zetaspark.kernels.gpu.GpuRuntime#RESOURCE}
 * when nvcc was present at build time), the engine choice {@code auto|cpu|gpu}, the GPU twins of
 * {@link io.zetaspark.kernels.WindowBatch} and {@link io.zetaspark.kernels.ZetaAttention}, and a GPU
 * detector for launchers.
 *
 * <p>Every GPU entry point has a CPU answer that it must equal (docs/GPU.md): the selected sets
 * exactly, the outputs within 1e-5 relative. When no GPU is usable (no library in the jar, load
 * failure, no driver, no device) the CPU kernels run and the reason is logged; {@code engine=gpu}
 * fails with that reason instead. What must not live here: Spark imports, and any numeric rule of
 * its own — the rules are in {@code docs/ALGORITHM.md} and the Java kernels.
 */
package io.zetaspark.kernels.gpu;
