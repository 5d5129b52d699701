package io.zetaspark.kernels.gpu;

/** The engine a stage runs on and why (logged by the engines, shown in run reports). */
public final class EngineDecision {
    private final boolean gpu;
    private final String reason;

    private EngineDecision(boolean gpu, String reason) {
        this.gpu = gpu;
        this.reason = reason;
    }

    static EngineDecision gpu(String reason) {
        return new EngineDecision(true, reason);
    }

    static EngineDecision cpu(String reason) {
        return new EngineDecision(false, reason);
    }

    public boolean gpu() {
        return gpu;
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
