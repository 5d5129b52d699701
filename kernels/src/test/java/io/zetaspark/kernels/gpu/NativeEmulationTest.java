package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.LevelBatch;
import io.zetaspark.kernels.TokenGenerator.Kind;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' per-thread code, run on the host by the native library (no GPU needed), against
 * the Java engine: identical selections, rows walked and clamp counts, and identical output bits
 * for the Cauchy and inverse kernels (the mean slot is summed in Java's order). This checks the
 * logic of kernels/src/main/cuda on a machine without a GPU; {@link GpuEqualityTest} checks the
 * GPU itself. Runs wherever the library was built; a build that made it must load it.
 */
class NativeEmulationTest {
    @BeforeAll
    static void aBuildWithNvccMustLoadTheLibrary() {
        GpuStatus status = GpuRuntime.status();
        if (!Boolean.parseBoolean(System.getProperty("zeta.cuda.skip", "true"))) {
            assertTrue(status.libraryLoaded(), "this build made libzetacuda.so, so it must load: " + status.reason());
        }
    }

    // per test, so that surefire counts every test as skipped (a class-level assumption shows as 0 run)
    @BeforeEach
    void library() {
        GpuStatus status = GpuRuntime.status();
        assumeTrue(status.libraryLoaded(), () -> "native library not available: " + status.reason());
    }

    private static GpuZetaAttention engine(ZetaParams params) {
        return new GpuZetaAttention(params, EngineDecision.cpu("emulation test"));
    }

    private static void check(TokenSequence s, ZetaParams params, String what) {
        AttentionResult cpu = new ZetaAttention(params).run(s);
        AttentionResult emu = engine(params).runNative(true, s);
        Fixtures.assertSameSelection(cpu, emu, what);
        if (params.kernel() == KernelType.SOFTMAX) {
            // exp of the C library and Java's Math.exp may differ in the last bit
            Fixtures.assertOutClose(cpu, emu, 1e-12, what);
        } else {
            assertArrayEquals(cpu.out, emu.out, what + ": out bits");
            assertArrayEquals(cpu.nbrW, emu.nbrW, what + ": neighbour weights");
        }
        assertArrayEquals(cpu.nnDist, emu.nnDist, what + ": nn_dist");
    }

    @Test
    void defaultsOnTextLikeTiesAcrossManyLevels() {
        check(Fixtures.sequence(Kind.TIES, 20_000, 1, 3, 3, 16), ZetaParams.defaults(), "ties defaults");
    }

    @Test
    void gaussianAndClusteredWithSmallChunksAndGaps() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(24).withK(12);
        check(Fixtures.sequence(Kind.GAUSSIAN, 6_000, 3, 5, 3, 8), p, "gaussian gaps");
        check(Fixtures.sequence(Kind.CLUSTERED, 6_000, 1, 6, 3, 8), p, "clustered");
    }

    /**
     * Pins the CUDA twin of NestedLevels.plan ({@code makePlan}) to the Java rule on positions far
     * from 0: levels anchored at the first token's chunk, random gaps, and one outlier position far
     * beyond the rest (one extra level). A plan that anchored at chunk 0 or miscounted a level's
     * keys would change selections or rows walked here.
     */
    @Test
    void positionsFarFromZeroWithGapsAndAnOutlier() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(16).withWindow(16).withK(8);
        TokenSequence base = Fixtures.sequence(Kind.TIES, 5_000, 1, 15, 3, 4);
        java.util.Random rnd = new java.util.Random(77);
        long[] pos = new long[base.size()];
        long at = 1_700_000_000_000L;
        for (int i = 0; i < pos.length; i++) {
            at += 1 + rnd.nextInt(40);
            pos[i] = at;
        }
        check(TokenSequence.of(pos, base.q(), base.k(), base.v(), base.d(), base.dv()), p, "epoch positions with gaps");
        long[] outlier = pos.clone();
        outlier[outlier.length - 1] = Long.MAX_VALUE / 2;
        check(TokenSequence.of(outlier, base.q(), base.k(), base.v(), base.d(), base.dv()), p, "an outlier position");
        check(TokenSequence.of(pos, base.q(), base.k(), base.v(), base.d(), base.dv()), p.withCausal(false),
                "epoch positions bidirectional");
    }

    @Test
    void withoutSelfBidirectionalAndWithoutMeanSlot() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(16).withWindow(16).withK(8);
        TokenSequence ties = Fixtures.sequence(Kind.TIES, 4_000, 2, 8, 3, 8);
        check(ties, p.withIncludeSelf(false), "causal without self");
        check(ties, p.withCausal(false), "bidirectional");
        check(ties, p.withCausal(false).withIncludeSelf(false), "bidirectional without self");
        check(ties, p.withMeanSlot(false), "no mean slot");
        // more than M chunks: several super-blocks of the mean slot's sums
        check(Fixtures.sequence(Kind.GAUSSIAN, 9_000, 1, 9, 3, 4), p.withChunkSize(8), "many super-blocks");
    }

    @Test
    void kernelsDimensionsAndClamping() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(64).withWindow(32).withK(16);
        TokenSequence g = Fixtures.sequence(Kind.GAUSSIAN, 3_000, 1, 10, 3, 8);
        check(g, p.withKernel(KernelType.INVERSE), "inverse kernel");
        check(g, p.withKernel(KernelType.SOFTMAX).withTau(0.5), "softmax kernel");
        check(g, p.withRange(-1.0, 1.0), "clamped range");
        check(Fixtures.sequence(Kind.GAUSSIAN, 3_000, 1, 11, 1, 4), p, "d=1, 63-bit codes");
        check(Fixtures.sequence(Kind.CLUSTERED, 3_000, 1, 12, 8, 4), p.withCurves(16), "d=8, 16 curves");
        check(Fixtures.sequence(Kind.TIES, 3_000, 1, 13, 2, 4), p.withBits(5).withCurves(1), "coarse codes, 1 curve");
    }

    @Test
    void tinySequences() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(4).withWindow(4).withK(3);
        for (int n = 1; n <= 12; n++) {
            check(Fixtures.sequence(Kind.TIES, n, 5, 14, 3, 2), p, "n=" + n);
            check(Fixtures.sequence(Kind.TIES, n, 1, 14, 3, 2), p.withCausal(false).withIncludeSelf(false),
                    "bidirectional n=" + n);
        }
    }

    @Test
    void meanSlotSumsInJavasOrder() {
        // Values ±1e16 next to small ones: (A + B) + C, A + (B + C) and a flat running sum give
        // different doubles here (1e16 + 1 rounds back to 1e16), so any other summation order than
        // HierarchicalSum's changes out. M = 2: chunks of 2 positions, super-blocks of 4.
        float[] pool = {1e16f, -1e16f, 1f, 3f, -2f, 0.5f};
        int n = 48;
        int dv = 3;
        long[] pos = new long[n];
        float[] q = new float[n * 2];
        float[] k = new float[n * 2];
        float[] v = new float[n * dv];
        java.util.Random rnd = new java.util.Random(61);
        for (int i = 0; i < n; i++) {
            pos[i] = i + (i / 5); // a gap now and then: some chunks hold one token
            for (int m = 0; m < 2; m++) {
                q[i * 2 + m] = rnd.nextInt(5);
                k[i * 2 + m] = rnd.nextInt(5);
            }
            for (int t = 0; t < dv; t++) {
                v[i * dv + t] = pool[rnd.nextInt(pool.length)];
            }
        }
        TokenSequence s = TokenSequence.of(pos, q, k, v, 2, dv);
        ZetaParams p = ZetaParams.defaults().withChunkSize(2).withWindow(2).withK(2).withGamma(1e-3);
        check(s, p, "cancelling values");
        check(s, p.withIncludeSelf(false), "cancelling values without self");
        check(s, p.withCausal(false), "cancelling values bidirectional");
        check(s, p.withCausal(false).withIncludeSelf(false), "cancelling values bidirectional without self");
    }

    @Test
    void windowBatchKernelEqualsWindowBatch() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(20).withK(10);
        GpuWindowBatch gpu = GpuWindowBatch.create(EngineDecision.cpu("emulation test"));
        for (Kind kind : Kind.values()) {
            TokenSequence s = Fixtures.sequence(kind, 5_000, 1, 15, 3, 2);
            for (ZetaParams params : new ZetaParams[] {p, p.withCausal(false)}) {
                LevelBatch.forEach(s, params, b -> {
                    int nq = b.nq();
                    int k = params.k();
                    int[] c1 = new int[nq];
                    double[] d1 = new double[nq * k];
                    long[] p1 = new long[nq * k];
                    int[] c2 = new int[nq];
                    double[] d2 = new double[nq * k];
                    long[] p2 = new long[nq * k];
                    int to = b.run.size();
                    long w1 = WindowBatch.run(3, params.halfWindow(), k, b.run.pos, b.run.vec, 0, to, nq, b.ins,
                            b.cutLo, b.cutHi, b.qVec, c1, d1, p1);
                    long w2 = gpu.runNative(true, 3, params.halfWindow(), k, b.run.pos, b.run.vec, 0, to, nq, b.ins,
                            b.cutLo, b.cutHi, b.qVec, c2, d2, p2);
                    assertEquals(w1, w2, kind + ": rows walked");
                    assertArrayEquals(c1, c2, kind + ": counts");
                    assertArrayEquals(d1, d2, kind + ": distances");
                    assertArrayEquals(p1, p2, kind + ": positions");
                });
            }
        }
    }

    @Test
    void windowBatchKernelOnASubRange() {
        // keys [from, to) of a longer array: the kernel rebases the insertion points
        long[] keyPos = {90, 5, 40, 7, 12, 33, 2, 50, 91};
        float[] keyVec = {9, 0, 1, 2, 3, 4, 5, 6, 9};
        int[] ins = {4, 1, 8};
        long[] cutLo = {10, 10, 0};
        long[] cutHi = {Long.MAX_VALUE, Long.MAX_VALUE, 3};
        float[] q = {4f, 3.5f, 0f};
        int k = 2;
        int[] c1 = new int[3];
        double[] d1 = new double[6];
        long[] p1 = new long[6];
        int[] c2 = new int[3];
        double[] d2 = new double[6];
        long[] p2 = new long[6];
        long w1 = WindowBatch.run(1, 1, k, keyPos, keyVec, 1, 8, 3, ins, cutLo, cutHi, q, c1, d1, p1);
        long w2 = GpuWindowBatch.create(EngineDecision.cpu("emulation test"))
                .runNative(true, 1, 1, k, keyPos, keyVec, 1, 8, 3, ins, cutLo, cutHi, q, c2, d2, p2);
        assertEquals(w1, w2);
        assertArrayEquals(c1, c2);
        assertArrayEquals(d1, d2);
        assertArrayEquals(p1, p2);
    }
}
