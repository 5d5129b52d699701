package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the native library and probing CUDA either works or fails with a reason in words, on any
 * machine: with the library built but no driver (this project's build machines) the reason says
 * "no CUDA driver" or "no CUDA device"; without nvcc at build time it says the library is not
 * packaged; a broken file says it failed to load.
 */
class GpuRuntimeTest {
    private static boolean libraryBuilt() {
        return !Boolean.parseBoolean(System.getProperty("zeta.cuda.skip", "true"));
    }

    @Test
    void statusIsEitherUsableOrExplained() {
        GpuStatus s = GpuRuntime.status();
        System.out.println("GpuRuntime.status(): " + s);
        assertNotNull(s.reason());
        if (s.usable()) {
            assertTrue(s.libraryLoaded());
            assertTrue(s.device().contains("compute capability"), s.device());
        } else if (s.libraryLoaded()) {
            assertTrue(s.reason().matches("(no CUDA driver|no CUDA device|GPU not supported|CUDA not usable).*\\(cuda.*"),
                    s.reason());
        } else {
            assertTrue(s.reason().contains("is not packaged in the kernels jar")
                    || s.reason().startsWith("failed to load native library")
                    || s.reason().startsWith("no native library for"), s.reason());
        }
    }

    @Test
    void aBuildWithNvccPackagesALibraryThatLoads() {
        assumeTrue(libraryBuilt(), "built without nvcc (cuda.skip=true): no library is expected in this build");
        assertNotNull(GpuRuntime.class.getResource(GpuRuntime.RESOURCE), "library missing from " + GpuRuntime.RESOURCE);
        GpuStatus s = GpuRuntime.status();
        assertTrue(s.libraryLoaded(), s.reason());
        if (!s.usable()) {
            // a build machine: no driver or no device, said so in words
            assertTrue(s.reason().startsWith("no CUDA driver") || s.reason().startsWith("no CUDA device"), s.reason());
        }
    }

    @Test
    void aMissingResourceIsReportedAsNotPackaged() {
        String reason = GpuRuntime.loadResource("/native/none/libzetacuda.so");
        assertNotNull(reason);
        assertTrue(reason.contains("/native/none/libzetacuda.so is not packaged"), reason);
    }

    @Test
    void aBrokenLibraryFailsToLoadWithTheLoadersMessage(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("libbogus.so");
        Files.write(bogus, "not an ELF file".getBytes(StandardCharsets.US_ASCII));
        String reason = GpuRuntime.loadFile(bogus);
        assertNotNull(reason);
        assertTrue(reason.startsWith("failed to load native library " + bogus.toAbsolutePath()), reason);
        assertTrue(reason.length() > ("failed to load native library " + bogus.toAbsolutePath() + ": ").length(),
                "the loader's own message is kept: " + reason);
    }

    @Test
    void probeFailuresAreNamed() {
        assertTrue(GpuRuntime.probeFailure("cudaErrorInsufficientDriver", "CUDA driver version is insufficient")
                .startsWith("no CUDA driver: libcuda.so.1 is missing"));
        assertTrue(GpuRuntime.probeFailure("cudaErrorNoDevice", "no CUDA-capable device is detected")
                .startsWith("no CUDA device"));
        assertTrue(GpuRuntime.probeFailure("cudaErrorNoKernelImageForDevice", "no kernel image")
                .startsWith("GPU not supported by this build"));
        String other = GpuRuntime.probeFailure("cudaErrorUnknown", "unknown error");
        assertTrue(other.contains("cudaErrorUnknown: unknown error"), other);
    }
}
