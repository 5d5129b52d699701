package io.zetaspark.kernels.gpu;

import io.zetaspark.kernels.WindowBatch;

/**
 * The window stage on the engine an {@link EngineChoice} picks: the CUDA window kernel (one thread
 * per query, kernels/src/main/cuda) or its CPU twin {@link WindowBatch}; same arguments, same
 * answer. A Spark partition builds one batch per (level, curve) run it holds and calls
 * {@link #run}.
 */
public final class GpuWindowBatch {
    private final EngineDecision decision;
    private NativeTiming lastTiming = NativeTiming.NONE;

    private GpuWindowBatch(EngineDecision decision) {
        this.decision = decision;
    }

    /** Decides the engine now (see {@link EngineChoice#decide()}) and logs the decision. */
    public static GpuWindowBatch create(EngineChoice choice) {
        return create(choice.decide());
    }

    public static GpuWindowBatch create(EngineDecision decision) {
        GpuRuntime.LOG.info("zeta window stage engine: " + decision);
        return new GpuWindowBatch(decision);
    }

    public EngineDecision decision() {
        return decision;
    }

    /** Timing of the last native call (zero after CPU runs). */
    public NativeTiming lastTiming() {
        return lastTiming;
    }

    /** Same contract as {@link WindowBatch#run}; returns the rows walked. */
    public long run(int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                    int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                    int[] count, double[] dist, long[] pos) {
        if (decision.gpu()) {
            try {
                return runNative(false, d, half, k, keyPos, keyVec, from, to, nq, ins, cutLo, cutHi, qVec, count, dist,
                        pos);
            } catch (IllegalStateException e) {
                if (!decision.fallbackOnError()) {
                    throw e;
                }
                GpuRuntime.LOG.warning("zeta window stage: GPU call failed, rerunning on the CPU (engine=auto): "
                        + e.getMessage());
            }
        }
        lastTiming = NativeTiming.NONE;
        return WindowBatch.run(d, half, k, keyPos, keyVec, from, to, nq, ins, cutLo, cutHi, qVec, count, dist, pos);
    }

    /**
     * The native window kernel whatever the decision: on the GPU ({@code emulate=false}) or its
     * per-thread code run on the host ({@code emulate=true}, needs only the library).
     */
    public long runNative(boolean emulate, int d, int half, int k, long[] keyPos, float[] keyVec, int from, int to,
                          int nq, int[] ins, long[] cutLo, long[] cutHi, float[] qVec,
                          int[] count, double[] dist, long[] pos) {
        WindowBatch.checkArguments(d, half, k, keyPos, keyVec, from, to, nq, ins, cutLo, cutHi, qVec, count, dist, pos);
        if (emulate) {
            GpuRuntime.requireLibrary();
        } else {
            GpuRuntime.requireGpu();
        }
        double[] timing = new double[2];
        long walked = ZetaCudaNative.windowBatch(emulate, GpuRuntime.device(), d, half, k, keyPos, keyVec, from, to, nq,
                ins, cutLo, cutHi, qVec, count, dist, pos, timing);
        lastTiming = new NativeTiming(timing[0], timing[1]);
        return walked;
    }
}
