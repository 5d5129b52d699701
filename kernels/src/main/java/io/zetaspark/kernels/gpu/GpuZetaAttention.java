package io.zetaspark.kernels.gpu;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;

/**
 * The whole-sequence operator on the engine an {@link EngineChoice} picks: the CUDA forward
 * ({@code zeta_forward} in kernels/src/main/cuda: Morton codes, per-level per-curve radix sorts,
 * selection, mean slot, weighted value sums) or the in-memory {@link ZetaAttention}. Both give the
 * same selected sets; outputs agree within 1e-5 relative (docs/GPU.md says where bits can differ).
 * {@code exact=true} is the brute-force oracle, which only the CPU runs.
 */
public final class GpuZetaAttention {
    private final ZetaParams params;
    private final EngineDecision decision;
    private NativeTiming lastTiming = NativeTiming.NONE;

    /** Decides the engine now and logs the decision. */
    public GpuZetaAttention(ZetaParams params, EngineChoice choice) {
        this(params, decide(params, choice));
    }

    public GpuZetaAttention(ZetaParams params, EngineDecision decision) {
        this.params = params;
        this.decision = decision;
        GpuRuntime.LOG.info("zeta forward engine: " + decision);
    }

    private static EngineDecision decide(ZetaParams params, EngineChoice choice) {
        if (params.exact()) {
            if (choice == EngineChoice.GPU) {
                throw new IllegalStateException("engine=gpu requested but exact=true runs the brute-force oracle, "
                        + "which has no GPU implementation: use engine=cpu or auto");
            }
            return EngineDecision.cpu("exact=true: the brute-force oracle runs on the CPU");
        }
        return choice.decide();
    }

    public ZetaParams params() {
        return params;
    }

    public EngineDecision decision() {
        return decision;
    }

    /** Timing of the last native call (zero after CPU runs). */
    public NativeTiming lastTiming() {
        return lastTiming;
    }

    public AttentionResult run(TokenSequence s) {
        if (decision.gpu() && s.size() > 0) {
            try {
                return runNative(false, s);
            } catch (IllegalStateException e) {
                if (!decision.fallbackOnError()) {
                    throw e;
                }
                GpuRuntime.LOG.warning("zeta forward: GPU call failed, rerunning on the CPU (engine=auto): "
                        + e.getMessage());
            }
        }
        lastTiming = NativeTiming.NONE;
        return new ZetaAttention(params).run(s);
    }

    /**
     * The native forward whatever the decision: on the GPU ({@code emulate=false}) or its per-thread
     * code run on the host ({@code emulate=true}, needs only the library).
     */
    public AttentionResult runNative(boolean emulate, TokenSequence s) {
        if (params.exact()) {
            throw new IllegalArgumentException("exact=true has no native implementation");
        }
        if (emulate) {
            GpuRuntime.requireLibrary();
        } else {
            GpuRuntime.requireGpu();
        }
        int n = s.size();
        int d = s.d();
        int dv = s.dv();
        params.checkDims(d);
        if (n == 0) {
            return new ZetaAttention(params).run(s);
        }
        int kk = params.k();
        ShiftedCurves sc = new ShiftedCurves(d, params);
        int curves = sc.curves();
        int[] ip = {n, d, dv, kk, curves, params.halfWindow(), sc.bits(), kernelCode(params.kernel()),
                    params.meanSlot() ? 1 : 0, params.includeSelf() ? 1 : 0, params.causal() ? 1 : 0};
        double[] dp = new double[3 + 2 * d];
        dp[0] = params.gamma() * params.gamma();
        dp[1] = params.tau();
        dp[2] = sc.halfGrid();
        for (int m = 0; m < d; m++) {
            dp[3 + m] = sc.lo(m);
            dp[3 + d + m] = sc.scale(m);
        }
        long[] lp = new long[2 + curves * d];
        lp[0] = params.chunkSize();
        lp[1] = sc.maxCell();
        for (int c = 0; c < curves; c++) {
            for (int m = 0; m < d; m++) {
                lp[2 + c * d + m] = sc.shift(c, m);
            }
        }
        Selection sel = new Selection(n, kk);
        float[] out = new float[n * dv];
        float[] nbrW = new float[n * kk];
        double[] nn = new double[n];
        double[] timing = new double[2];
        long[] stats = ZetaCudaNative.forward(emulate, GpuRuntime.device(), ip, dp, lp, s.pos(), s.q(), s.k(), s.v(),
                sel.count, sel.pos, sel.dist, sel.idx, out, nbrW, nn, timing);
        sel.rowsWalked = stats[0];
        sel.clampedComponents = stats[1];
        lastTiming = new NativeTiming(timing[0], timing[1]);
        return new AttentionResult(s.pos(), dv, out, sel, nbrW, nn);
    }

    /** The kernel numbering of zeta_cuda.h. */
    private static int kernelCode(KernelType kernel) {
        switch (kernel) {
            case CAUCHY:
                return 0;
            case SOFTMAX:
                return 1;
            case INVERSE:
                return 2;
            default:
                throw new IllegalArgumentException("no native kernel for " + kernel);
        }
    }
}
