package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code auto|cpu|gpu}: parsing, and decisions against usable and unusable GPUs. */
class EngineChoiceTest {
    private static final GpuStatus NO_DRIVER = GpuStatus.libraryOnly(GpuRuntime.probeFailure(
            "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version"));
    private static final GpuStatus USABLE = GpuStatus.usable("device 0 of 1: Test GPU, compute capability 9.0, 80.0 GiB");

    @Test
    void parsesTheThreeNamesInAnyCase() {
        assertEquals(EngineChoice.AUTO, EngineChoice.parse("auto"));
        assertEquals(EngineChoice.CPU, EngineChoice.parse(" CPU "));
        assertEquals(EngineChoice.GPU, EngineChoice.parse("Gpu"));
        assertEquals("gpu", EngineChoice.GPU.toString());
    }

    @Test
    void rejectsOtherNamesListingTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineChoice.parse("cuda"));
        assertEquals("unknown engine 'cuda': expected one of auto, cpu, gpu", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineChoice.parse(null));
    }

    @Test
    void gpuFailsWithTheReasonWhenNoGpuIsUsable() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineChoice.GPU.decide(NO_DRIVER));
        assertTrue(e.getMessage().startsWith("engine=gpu requested but no usable GPU: no CUDA driver"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> EngineChoice.GPU.decide(GpuStatus.noLibrary("native library x is not packaged")));
        assertTrue(e2.getMessage().endsWith("native library x is not packaged"), e2.getMessage());
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        EngineDecision d = EngineChoice.AUTO.decide(NO_DRIVER);
        assertFalse(d.gpu());
        assertEquals("cpu", d.engine());
        assertTrue(d.reason().startsWith("engine=auto: no usable GPU, no CUDA driver"), d.reason());
    }

    @Test
    void autoAndGpuPickAUsableGpu() {
        assertTrue(EngineChoice.AUTO.decide(USABLE).gpu());
        EngineDecision d = EngineChoice.GPU.decide(USABLE);
        assertTrue(d.gpu());
        assertTrue(d.reason().contains("Test GPU"), d.reason());
    }

    @Test
    void cpuIsAlwaysTheCpu() {
        assertFalse(EngineChoice.CPU.decide(USABLE).gpu());
        assertFalse(EngineChoice.CPU.decide(NO_DRIVER).gpu());
    }

    @Test
    void decisionsOnThisMachineFollowItsStatus() {
        GpuStatus s = GpuRuntime.status();
        assertEquals(s.usable(), EngineChoice.AUTO.decide().gpu());
        if (s.usable()) {
            assertTrue(EngineChoice.GPU.decide().gpu());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineChoice.GPU.decide());
            assertTrue(e.getMessage().endsWith(s.reason()), e.getMessage());
        }
    }
}
