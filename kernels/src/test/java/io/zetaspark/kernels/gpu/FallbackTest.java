package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.LevelBatch;
import io.zetaspark.kernels.TokenGenerator.Kind;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without a usable GPU the engines run the Java kernels, give exactly the CPU answer, and log which
 * engine ran and why.
 */
class FallbackTest {
    private static final GpuStatus NO_DEVICE = GpuStatus.libraryOnly(GpuRuntime.probeFailure(
            "cudaErrorNoDevice", "no CUDA-capable device is detected"));
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("io.zetaspark.kernels.gpu").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("io.zetaspark.kernels.gpu").removeHandler(capture);
    }

    private static void assertSameResult(AttentionResult expected, AttentionResult actual) {
        Fixtures.assertSameSelection(expected, actual, "fallback");
        assertArrayEquals(expected.out, actual.out);
        assertArrayEquals(expected.nbrW, actual.nbrW);
        assertArrayEquals(expected.nnDist, actual.nnDist);
    }

    @Test
    void autoWithoutAGpuRunsTheJavaEngineAndLogsWhy() {
        ZetaParams params = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8);
        TokenSequence s = Fixtures.sequence(Kind.TIES, 3_000, 1, 41, 3, 8);
        GpuZetaAttention engine = new GpuZetaAttention(params, EngineChoice.AUTO.decide(NO_DEVICE));
        assertFalse(engine.decision().gpu());
        assertSameResult(new ZetaAttention(params).run(s), engine.run(s));
        assertTrue(logged.contains("zeta forward engine: cpu (engine=auto: no usable GPU, " + NO_DEVICE.reason() + ")"),
                logged.toString());
    }

    @Test
    void autoOnThisMachineGivesTheCpuAnswerWhenItHasNoGpu() {
        ZetaParams params = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8);
        TokenSequence s = Fixtures.sequence(Kind.GAUSSIAN, 2_000, 1, 42, 3, 8);
        GpuZetaAttention engine = new GpuZetaAttention(params, EngineChoice.AUTO);
        assertEquals(GpuRuntime.status().usable(), engine.decision().gpu());
        AttentionResult r = engine.run(s);
        AttentionResult cpu = new ZetaAttention(params).run(s);
        if (engine.decision().gpu()) {
            Fixtures.assertSameSelection(cpu, r, "auto on a GPU");
            Fixtures.assertOutClose(cpu, r, 1e-5, "auto on a GPU");
        } else {
            assertSameResult(cpu, r);
        }
    }

    @Test
    void autoRerunsAFailingGpuCallOnTheCpuButGpuDoesNot() {
        // a decision for a GPU that then fails: on a machine without one, every native call fails
        assumeFalse(GpuRuntime.status().usable(), "a usable GPU would not fail");
        GpuStatus claimed = GpuStatus.usable("device 0 of 1: claimed GPU, compute capability 9.0, 80.0 GiB");
        ZetaParams params = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8);
        TokenSequence s = Fixtures.sequence(Kind.CLUSTERED, 1_500, 1, 45, 3, 4);
        GpuZetaAttention auto = new GpuZetaAttention(params, EngineChoice.AUTO.decide(claimed));
        assertTrue(auto.decision().gpu() && auto.decision().fallbackOnError());
        assertSameResult(new ZetaAttention(params).run(s), auto.run(s));
        assertTrue(logged.stream().anyMatch(m -> m.startsWith(
                "zeta forward: GPU call failed, rerunning on the CPU (engine=auto): no usable GPU: ")), logged.toString());
        GpuZetaAttention strict = new GpuZetaAttention(params, EngineChoice.GPU.decide(claimed));
        assertFalse(strict.decision().fallbackOnError());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> strict.run(s));
        assertTrue(e.getMessage().startsWith("no usable GPU: "), e.getMessage());

        GpuWindowBatch stage = GpuWindowBatch.create(EngineChoice.AUTO.decide(claimed));
        long[] keyPos = {1, 2};
        float[] keyVec = {0f, 0f, 0f, 1f, 1f, 1f};
        int[] count = new int[1];
        double[] dist = new double[2];
        long[] pos = new long[2];
        stage.run(3, 1, 2, keyPos, keyVec, 0, 2, 1, new int[] {1}, new long[] {10}, new long[] {Long.MAX_VALUE},
                new float[] {1f, 1f, 1f}, count, dist, pos);
        assertEquals(2, count[0]);
        assertArrayEquals(new long[] {2, 1}, pos);
        assertTrue(logged.stream().anyMatch(m -> m.startsWith("zeta window stage: GPU call failed")), logged.toString());
    }

    @Test
    void windowStageFallsBackToWindowBatch() {
        ZetaParams params = ZetaParams.defaults().withChunkSize(32).withWindow(16).withK(8);
        TokenSequence s = Fixtures.sequence(Kind.TIES, 2_000, 1, 43, 3, 2);
        GpuWindowBatch stage = GpuWindowBatch.create(EngineChoice.AUTO.decide(NO_DEVICE));
        assertFalse(stage.decision().gpu());
        assertTrue(logged.stream().anyMatch(m -> m.startsWith("zeta window stage engine: cpu (engine=auto: no usable GPU")),
                logged.toString());
        int[] batches = {0};
        LevelBatch.forEach(s, params, b -> {
            int nq = b.nq();
            int k = params.k();
            int[] c1 = new int[nq];
            double[] d1 = new double[nq * k];
            long[] p1 = new long[nq * k];
            int[] c2 = new int[nq];
            double[] d2 = new double[nq * k];
            long[] p2 = new long[nq * k];
            long w1 = WindowBatch.run(3, params.halfWindow(), k, b.run.pos, b.run.vec, 0, b.run.size(), nq, b.ins,
                    b.cutLo, b.cutHi, b.qVec, c1, d1, p1);
            long w2 = stage.run(3, params.halfWindow(), k, b.run.pos, b.run.vec, 0, b.run.size(), nq, b.ins,
                    b.cutLo, b.cutHi, b.qVec, c2, d2, p2);
            assertEquals(w1, w2);
            assertArrayEquals(c1, c2);
            assertArrayEquals(d1, d2);
            assertArrayEquals(p1, p2);
            batches[0]++;
        });
        assertTrue(batches[0] > 0);
    }

    @Test
    void gpuRequestedWithoutAGpuFailsBeforeAnyWork() {
        ZetaParams params = ZetaParams.defaults();
        if (!GpuRuntime.status().usable()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new GpuZetaAttention(params, EngineChoice.GPU));
            assertEquals("engine=gpu requested but no usable GPU: " + GpuRuntime.status().reason(), e.getMessage());
            IllegalStateException w = assertThrows(IllegalStateException.class,
                    () -> GpuWindowBatch.create(EngineChoice.GPU));
            assertTrue(w.getMessage().contains(GpuRuntime.status().reason()), w.getMessage());
        }
        // exact=true has no GPU implementation: gpu says so, auto runs the oracle on the CPU
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new GpuZetaAttention(params.withExact(true), EngineChoice.GPU));
        assertTrue(e.getMessage().contains("exact=true"), e.getMessage());
        GpuZetaAttention auto = new GpuZetaAttention(params.withExact(true), EngineChoice.AUTO);
        assertFalse(auto.decision().gpu());
        assertEquals("exact=true: the brute-force oracle runs on the CPU", auto.decision().reason());
    }

    @Test
    void nativeCallsWithoutTheirPrerequisiteFailWithTheReason() {
        GpuStatus s = GpuRuntime.status();
        TokenSequence t = Fixtures.sequence(Kind.GAUSSIAN, 10, 1, 44, 3, 2);
        GpuZetaAttention engine = new GpuZetaAttention(ZetaParams.defaults(), EngineDecision.cpu("test"));
        if (!s.usable()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.runNative(false, t));
            assertEquals("no usable GPU: " + s.reason(), e.getMessage());
        }
        if (!s.libraryLoaded()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.runNative(true, t));
            assertEquals("zeta native library not loaded: " + s.reason(), e.getMessage());
        }
    }
}
