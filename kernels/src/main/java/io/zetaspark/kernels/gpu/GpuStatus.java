package io.zetaspark.kernels.gpu;

/**
 * Whether the GPU path can run here, and why not: the native library may be missing from the jar,
 * fail to load, or load and find no driver or no device. {@link #libraryLoaded()} alone is enough
 * for the host emulation of the kernels; {@link #usable()} means a device ran the probe kernel.
 */
public final class GpuStatus {
    private final boolean libraryLoaded;
    private final boolean usable;
    private final String reason;
    private final String device;

    private GpuStatus(boolean libraryLoaded, boolean usable, String reason, String device) {
        this.libraryLoaded = libraryLoaded;
        this.usable = usable;
        this.reason = reason;
        this.device = device;
    }

    /** A device ran the probe kernel. */
    public static GpuStatus usable(String device) {
        return new GpuStatus(true, true, "GPU usable: " + device, device);
    }

    /** The library loaded but CUDA cannot run (no driver, no device, unsupported architecture). */
    public static GpuStatus libraryOnly(String reason) {
        return new GpuStatus(true, false, reason, "");
    }

    /** The library is absent or failed to load. */
    public static GpuStatus noLibrary(String reason) {
        return new GpuStatus(false, false, reason, "");
    }

    public boolean libraryLoaded() {
        return libraryLoaded;
    }

    public boolean usable() {
        return usable;
    }

    /** Why the GPU is or is not usable, in words (never empty). */
    public String reason() {
        return reason;
    }

    /** The device's description when usable, else "". */
    public String device() {
        return device;
    }

    @Override
    public String toString() {
        return (usable ? "GPU usable" : "GPU not usable") + " (library " + (libraryLoaded ? "loaded" : "not loaded")
                + "): " + reason;
    }
}
