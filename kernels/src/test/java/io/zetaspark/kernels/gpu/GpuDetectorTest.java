package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's GPU check, on literal nvidia-smi listings and fake commands. */
class GpuDetectorTest {
    @Test
    void parsesDeviceLinesOnly() {
        String listing = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1b2c)\n"
                + "  MIG 1g.10gb     Device  0: (UUID: MIG-aa)\n"
                + "GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-3d4e)\r\n";
        assertEquals(List.of("GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1b2c)", "GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-3d4e)"),
                GpuDetector.parseList(listing));
        assertTrue(GpuDetector.parseList("No devices were found\n").isEmpty());
    }

    private static Path script(Path dir, String body) throws Exception {
        Path p = dir.resolve("fake-nvidia-smi");
        Files.write(p, ("#!/bin/sh\n" + body + "\n").getBytes(StandardCharsets.US_ASCII));
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    @Test
    void aListedGpuIsPresent(@TempDir Path dir) throws Exception {
        Path smi = script(dir, "echo 'GPU 0: NVIDIA H200 (UUID: GPU-5f6a)'");
        GpuDetector.Detection d = GpuDetector.fromCommand(List.of(smi.toString(), "-L"));
        assertTrue(d.present());
        assertEquals("gpu: 1 device(s): GPU 0: NVIDIA H200 (UUID: GPU-5f6a)", d.toString());
    }

    @Test
    void aFailingListingIsNoGpuWithItsOutput(@TempDir Path dir) throws Exception {
        Path smi = script(dir, "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        GpuDetector.Detection d = GpuDetector.fromCommand(List.of(smi.toString(), "-L"));
        assertFalse(d.present());
        assertTrue(d.reason.contains("failed (exit 9): NVIDIA-SMI has failed"), d.reason);
    }

    @Test
    void anEmptyListingIsNoGpu(@TempDir Path dir) throws Exception {
        GpuDetector.Detection d = GpuDetector.fromCommand(List.of(script(dir, "exit 0").toString(), "-L"));
        assertFalse(d.present());
        assertTrue(d.reason.endsWith("lists no GPU"), d.reason);
    }

    @Test
    void aMissingCommandIsNoGpu() {
        GpuDetector.Detection d = GpuDetector.fromCommand(List.of("/nonexistent/nvidia-smi", "-L"));
        assertFalse(d.present());
        assertTrue(d.toString().startsWith("no-gpu: /nonexistent/nvidia-smi -L could not run"), d.toString());
    }
}
