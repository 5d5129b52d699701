package io.zetaspark.kernels.gpu;

import java.util.Locale;

/**
 * Which engine computes a stage: {@code cpu} always the Java kernels; {@code gpu} the CUDA kernels
 * or a clear failure naming why no GPU is usable; {@code auto} the GPU only when it works, else the
 * CPU, and the decision says which ran and why (engines log it); under {@code auto} a GPU call that
 * fails at run time is rerun on the CPU, with a warning.
 */
public enum EngineChoice {
    AUTO, CPU, GPU;

    /** Parses {@code auto|cpu|gpu} case-insensitively, naming the accepted values on failure. */
    public static EngineChoice parse(String name) {
        if (name != null) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "auto":
                    return AUTO;
                case "cpu":
                    return CPU;
                case "gpu":
                    return GPU;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': expected one of auto, cpu, gpu");
    }

    /** Decides against this JVM's {@link GpuRuntime#status()}. */
    public EngineDecision decide() {
        return decide(GpuRuntime.status());
    }

    /**
     * Decides against a given status.
     *
     * @throws IllegalStateException for {@code gpu} when the status is not usable, with its reason
     */
    public EngineDecision decide(GpuStatus status) {
        switch (this) {
            case CPU:
                return EngineDecision.cpu("engine=cpu requested");
            case GPU:
                if (!status.usable()) {
                    throw new IllegalStateException("engine=gpu requested but no usable GPU: " + status.reason());
                }
                return EngineDecision.gpu("engine=gpu requested; " + status.reason(), false);
            default:
                return status.usable()
                        ? EngineDecision.gpu("engine=auto: " + status.reason(), true)
                        : EngineDecision.cpu("engine=auto: no usable GPU, " + status.reason());
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
