package io.zetaspark.kernels.gpu;

/** The engine a stage runs on and why (logged by the engines, shown in run reports). */
public final class EngineDecision {
    private final boolean gpu;
    private final boolean fallbackOnError;
    private final String reason;

    private EngineDecision(boolean gpu, boolean fallbackOnError, String reason) {
        this.gpu = gpu;
        this.fallbackOnError = fallbackOnError;
        this.reason = reason;
    }

    /** The GPU; with {@code fallbackOnError} (engine=auto) a failing GPU call reruns on the CPU. */
    static EngineDecision gpu(String reason, boolean fallbackOnError) {
        return new EngineDecision(true, fallbackOnError, reason);
    }

    static EngineDecision cpu(String reason) {
        return new EngineDecision(false, false, reason);
    }

    public boolean gpu() {
        return gpu;
    }

    /**
     * Whether a GPU call that fails at run time (out of device memory, a CUDA error) is rerun on the
     * CPU with a logged warning: true for {@code auto}, false for an explicit {@code gpu}.
     */
    public boolean fallbackOnError() {
        return fallbackOnError;
    }

    /** "gpu" or "cpu". */
    public String engine() {
        return gpu ? "gpu" : "cpu";
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return engine() + " (" + reason + ")";
    }
}
