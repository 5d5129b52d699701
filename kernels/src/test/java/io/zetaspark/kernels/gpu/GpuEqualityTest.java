package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.LevelBatch;
import io.zetaspark.kernels.TokenGenerator.Kind;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU against the CPU (DESIGN.md property 3): identical selected sets, out within 1e-5
 * relative. Skipped, with the reason printed, when no GPU is usable; run it on a GPU machine with
 * bench/gpu/run-on-device.sh.
 */
class GpuEqualityTest {
    private static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void report() {
        GpuStatus s = GpuRuntime.status();
        System.out.println(s.usable() ? "GpuEqualityTest on " + s.device()
                : "GpuEqualityTest skipped: no usable GPU: " + s.reason());
    }

    // per test, so that surefire counts every test as skipped (a class-level assumption shows as 0 run)
    @BeforeEach
    void requireGpu() {
        GpuStatus s = GpuRuntime.status();
        assumeTrue(s.usable(), () -> "no usable GPU: " + s.reason());
    }

    private static GpuZetaAttention gpu(ZetaParams params) {
        return new GpuZetaAttention(params, EngineChoice.GPU);
    }

    private static void compare(TokenSequence s, ZetaParams params, String what) {
        long t0 = System.nanoTime();
        AttentionResult cpu = new ZetaAttention(params).run(s);
        long t1 = System.nanoTime();
        GpuZetaAttention engine = gpu(params);
        AttentionResult dev = engine.runNative(false, s);
        Fixtures.assertSameSelection(cpu, dev, what);
        long identical = Fixtures.assertOutClose(cpu, dev, TOLERANCE, what);
        System.out.printf("%s: n=%d selections identical, out bit-identical %d of %d; CPU %.1f ms, GPU %s%n", what,
                s.size(), identical, cpu.out.length, (t1 - t0) / 1e6, engine.lastTiming());
    }

    static Stream<Arguments> sequences() {
        return Stream.of(Kind.GAUSSIAN, Kind.CLUSTERED, Kind.TIES)
                .flatMap(kind -> Stream.of(4_096, 65_536).map(n -> Arguments.of(kind, n)));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("sequences")
    void forwardEqualsCpuAtDefaults(Kind kind, int n) {
        compare(Fixtures.sequence(kind, n, 1, 51, 3, 64), ZetaParams.defaults(), kind + " defaults");
    }

    @Test
    void forwardEqualsCpuAcrossModesAndKernels() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(64).withWindow(64).withK(16);
        TokenSequence ties = Fixtures.sequence(Kind.TIES, 20_000, 3, 52, 3, 32);
        compare(ties, p, "ties with gaps");
        compare(ties, p.withIncludeSelf(false), "ties without self");
        compare(ties, p.withCausal(false), "ties bidirectional");
        compare(ties, p.withMeanSlot(false), "ties without mean slot");
        compare(ties, p.withKernel(KernelType.SOFTMAX), "ties softmax");
        compare(ties, p.withKernel(KernelType.INVERSE), "ties inverse");
        compare(Fixtures.sequence(Kind.CLUSTERED, 20_000, 1, 53, 8, 16), p.withCurves(8), "clustered d=8");
        compare(Fixtures.sequence(Kind.GAUSSIAN, 20_000, 1, 54, 1, 16), p, "gaussian d=1");
    }

    @Test
    void gpuEqualsItsHostEmulation() {
        ZetaParams p = ZetaParams.defaults();
        TokenSequence s = Fixtures.sequence(Kind.TIES, 30_000, 1, 55, 3, 64);
        GpuZetaAttention engine = gpu(p);
        AttentionResult dev = engine.runNative(false, s);
        AttentionResult emu = engine.runNative(true, s);
        Fixtures.assertSameSelection(emu, dev, "GPU vs emulation");
        Fixtures.assertOutClose(emu, dev, TOLERANCE, "GPU vs emulation");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void windowKernelEqualsWindowBatch(Kind kind) {
        ZetaParams params = ZetaParams.defaults();
        TokenSequence s = Fixtures.sequence(kind, 65_536, 1, 56, 3, 2);
        GpuWindowBatch stage = GpuWindowBatch.create(EngineChoice.GPU);
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
            assertEquals(w1, w2, kind + ": rows walked");
            assertArrayEquals(c1, c2, kind + ": counts");
            assertArrayEquals(d1, d2, kind + ": distances");
            assertArrayEquals(p1, p2, kind + ": positions");
        });
    }

    static Stream<Kind> kinds() {
        return Stream.of(Kind.values());
    }
}
