package io.zetaspark.kernels.gpu;

/**
 * Statistics of the last native call on one engine object: milliseconds inside the library
 * (transfers included) and on the device alone (kernels, 0 when emulated or on the CPU).
 */
public final class NativeTiming {
    public final double libraryMillis;
    public final double deviceMillis;

    NativeTiming(double libraryMillis, double deviceMillis) {
        this.libraryMillis = libraryMillis;
        this.deviceMillis = deviceMillis;
    }

    static final NativeTiming NONE = new NativeTiming(0, 0);

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "library %.2f ms, device %.2f ms", libraryMillis, deviceMillis);
    }
}
