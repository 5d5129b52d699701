package io.zetaspark.kernels.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads {@code libzetacuda.so} once per JVM and probes CUDA. The library travels in the kernels jar
 * at {@link #RESOURCE} and is extracted to a temporary file (a jar entry cannot be mapped); the
 * system property {@value #LIBRARY_PROPERTY} names a library file to use instead. The CUDA runtime
 * is linked statically, so loading needs no CUDA installation; the probe then needs the driver
 * ({@code libcuda.so.1}) and a device that runs a test kernel. Every failure becomes a reason in
 * words, logged once and reported by {@link #status()}; nothing here throws.
 */
public final class GpuRuntime {
    /** Where the build puts the library in the jar. */
    public static final String RESOURCE = "/native/linux-x86_64/libzetacuda.so";
    /** System property: a library file to load instead of the packaged one. */
    public static final String LIBRARY_PROPERTY = "zeta.gpu.library";
    /** System property: the CUDA device index to use (default 0; a Spark task passes its GPU address). */
    public static final String DEVICE_PROPERTY = "zeta.gpu.device";

    static final Logger LOG = Logger.getLogger("io.zetaspark.kernels.gpu");

    private static GpuStatus status;

    private GpuRuntime() {
    }

    /** Loads and probes on first use; later calls return the same answer. */
    public static synchronized GpuStatus status() {
        if (status == null) {
            status = initialise();
            LOG.log(status.usable() ? Level.INFO : Level.WARNING, "zeta GPU runtime: {0}", status);
        }
        return status;
    }

    /** The CUDA device index from {@value #DEVICE_PROPERTY} (default 0). */
    public static int device() {
        String v = System.getProperty(DEVICE_PROPERTY, "0").trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DEVICE_PROPERTY + " must be a device index, got '" + v + "'", e);
        }
    }

    private static GpuStatus initialise() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return GpuStatus.noLibrary("no native library for " + os + "/" + arch + " (built for linux-x86_64 only)");
        }
        String file = System.getProperty(LIBRARY_PROPERTY);
        String failure = file != null ? loadFile(Paths.get(file)) : loadResource(RESOURCE);
        if (failure != null) {
            return GpuStatus.noLibrary(failure);
        }
        return probe(device());
    }

    /** Probes CUDA through the loaded library. */
    private static GpuStatus probe(int device) {
        String[] r;
        try {
            r = ZetaCudaNative.probe(device);
        } catch (UnsatisfiedLinkError e) {
            return GpuStatus.noLibrary("the native library lacks its probe entry point: " + e.getMessage());
        }
        if (r[0].isEmpty()) {
            return GpuStatus.usable(r[3]);
        }
        return GpuStatus.libraryOnly(probeFailure(r[0], r[1]));
    }

    /** The reason in words for a failed CUDA probe (error name and message as CUDA gives them). */
    static String probeFailure(String error, String message) {
        String cuda = " (" + error + ": " + message + ")";
        switch (error) {
            case "cudaErrorInsufficientDriver":
                return "no CUDA driver: libcuda.so.1 is missing or older than the CUDA 13 runtime" + cuda;
            case "cudaErrorNoDevice":
                return "no CUDA device: the driver sees no GPU (check CUDA_VISIBLE_DEVICES)" + cuda;
            case "cudaErrorInvalidDevice":
                return "no CUDA device at index " + System.getProperty(DEVICE_PROPERTY, "0") + cuda;
            case "cudaErrorNoKernelImageForDevice":
            case "cudaErrorUnsupportedPtxVersion":
                return "GPU not supported by this build (SASS for sm_80 and sm_90, PTX for compute_90)" + cuda;
            default:
                return "CUDA not usable" + cuda;
        }
    }

    /** Loads a library file; returns null on success, else the reason. */
    static String loadFile(Path file) {
        try {
            System.load(file.toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return "failed to load native library " + file + ": " + e.getMessage();
        }
    }

    /**
     * Extracts a library packaged as a class-path resource to a temporary file and loads it;
     * returns null on success, else the reason.
     */
    static String loadResource(String resource) {
        try (InputStream in = GpuRuntime.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "native library " + resource + " is not packaged in the kernels jar (built without nvcc)";
            }
            Path tmp = Files.createTempFile("libzetacuda", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return loadFile(tmp);
        } catch (IOException e) {
            return "could not extract native library " + resource + " to a temporary file: " + e;
        }
    }

    /** Throws with the reason unless the library is loaded (the host emulation needs only that). */
    static void requireLibrary() {
        GpuStatus s = status();
        if (!s.libraryLoaded()) {
            throw new IllegalStateException("zeta native library not loaded: " + s.reason());
        }
    }

    /** Throws with the reason unless a GPU is usable. */
    static void requireGpu() {
        GpuStatus s = status();
        if (!s.usable()) {
            throw new IllegalStateException("no usable GPU: " + s.reason());
        }
    }
}
