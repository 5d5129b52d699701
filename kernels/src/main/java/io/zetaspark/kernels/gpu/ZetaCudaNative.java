package io.zetaspark.kernels.gpu;

/**
 * The native methods of {@code libzetacuda.so} (kernels/src/main/native/zeta_jni.cpp). Callable
 * only after {@link GpuRuntime} loaded the library. With {@code emulate=true} the library runs its
 * kernels' per-thread functions on the host, which needs no GPU and no driver: that is how a
 * machine without a GPU checks the CUDA code's logic against the Java engine.
 */
final class ZetaCudaNative {
    private ZetaCudaNative() {
    }

    /** {errorName ("" when usable), message, deviceCount, description}. */
    static native String[] probe(int device);

    /** Returns the rows walked; timing receives {ms in the library, ms on the device}. */
    static native long windowBatch(boolean emulate, int device, int d, int half, int k, long[] keyPos, float[] keyVec,
                                   int from, int to, int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                                   int[] count, double[] dist, long[] pos, double[] timing);

    /**
     * The whole forward. {@code ip = {n, d, dv, k, curves, half, bits, kernel, meanSlot, includeSelf, causal}},
     * {@code dp = {γ², τ, halfGrid, lo[d]…, scale[d]…}}, {@code lp = {chunk, maxCell, shifts[curves·d]…}}.
     * Returns {rowsWalked, clampedComponents}; timing receives {ms in the library, ms on the device}.
     */
    static native long[] forward(boolean emulate, int device, int[] ip, double[] dp, long[] lp, long[] pos, float[] q,
                                 float[] k, float[] v, int[] count, long[] selPos, double[] selDist, int[] selIdx,
                                 float[] out, float[] nbrW, double[] nn, double[] timing);
}
