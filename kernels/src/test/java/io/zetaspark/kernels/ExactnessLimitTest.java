package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property 2 (exactness limit): with a window that covers the sequence (W ≥ 2n, any number of
 * curves), the approximate selection equals the exact top-k — same positions, same distance bits —
 * and the outputs of {@code run} equal those of {@code run} with {@code exact=true} to 1e-5 relative.
 */
class ExactnessLimitTest {
    private static final double TOLERANCE = 1e-5;

    /** One sequence and the search parameters (chunk size, curves, bits, seed) to run it with. */
    static final class Case {
        final String name;
        final TokenSequence seq;
        final ZetaParams base;

        Case(String name, TokenSequence seq, ZetaParams base) {
            this.name = name;
            this.seq = seq;
            this.base = base.withWindow(Fixtures.coveringWindow(seq.size()));
        }

        @Override
        public String toString() {
            return name + " n=" + seq.size();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        ZetaParams def = ZetaParams.defaults();
        for (int d = 2; d <= 4; d++) {
            out.add(Arguments.of(new Case("gaussian d=" + d + " M=256 C=4",
                    Fixtures.generate(TokenGenerator.Kind.GAUSSIAN, 100 + d, d, 8, d == 3 ? 4096 : 2048, 1), def)));
            out.add(Arguments.of(new Case("ties d=" + d + " stride 3 M=64 C=1",
                    Fixtures.generate(TokenGenerator.Kind.TIES, 200 + d, d, 5, 1500, 3),
                    def.withChunkSize(64).withCurves(1).withK(16))));
            out.add(Arguments.of(new Case("clustered d=" + d + " stride 7 M=16 C=2 seed 5",
                    Fixtures.generate(TokenGenerator.Kind.CLUSTERED, 300 + d, d, 3, 900, 7),
                    def.withChunkSize(16).withCurves(2).withSeed(5))));
        }
        out.add(Arguments.of(new Case("ties d=3 bits=2 M=8 C=3 (few codes)",
                Fixtures.generate(TokenGenerator.Kind.TIES, 17, 3, 4, 700, 1),
                def.withChunkSize(8).withCurves(3).withBits(2).withK(40))));
        out.add(Arguments.of(new Case("all keys identical, q gaussian, stride 2 M=32", identicalKeys(600, false),
                def.withChunkSize(32))));
        out.add(Arguments.of(new Case("all q and k identical, M=16 C=2", identicalKeys(400, true),
                def.withChunkSize(16).withCurves(2).withK(8))));
        return out.stream();
    }

    /** Hand-made heavy ties: every key is the same vector (and every query too when qAlso). */
    static TokenSequence identicalKeys(int n, boolean qAlso) {
        SplittableRandom rnd = new SplittableRandom(n);
        int d = 3;
        int dv = 4;
        long[] pos = new long[n];
        float[] q = new float[n * d];
        float[] k = new float[n * d];
        float[] v = Fixtures.gaussian(rnd, n * dv, 1);
        for (int i = 0; i < n; i++) {
            pos[i] = 2L * i + 1;
            for (int m = 0; m < d; m++) {
                k[i * d + m] = 0.75f * (m + 1);
                q[i * d + m] = qAlso ? k[i * d + m] : (float) Fixtures.nextGaussian(rnd);
            }
        }
        return TokenSequence.of(pos, q, k, v, d, dv);
    }

    private static ZetaParams mode(ZetaParams base, boolean causal, boolean self) {
        return base.withCausal(causal).withIncludeSelf(self);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void selectionEqualsTheOracleInEveryMode(Case c) {
        TokenSequence s = c.seq;
        for (boolean causal : new boolean[] {true, false}) {
            for (boolean self : new boolean[] {true, false}) {
                ZetaParams p = mode(c.base, causal, self);
                Selection approx = new ZetaAttention(p).select(s);
                Selection exact = ExactOracle.select(s, p);
                int expectedCount = 0;
                for (int i = 0; i < s.size(); i++) {
                    Fixtures.assertSameSelection(approx, i, exact, i, c + " causal=" + causal + " self=" + self
                            + " query pos " + s.pos()[i]);
                    expectedCount += exact.count[i];
                }
                // the oracle itself selected something (so the comparison is not empty)
                assertTrue(expectedCount > 0);
                int eligibleLast = causal ? (self ? s.size() : s.size() - 1) : (self ? s.size() : s.size() - 1);
                assertEquals(Math.min(p.k(), eligibleLast), exact.count[s.size() - 1]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputsMatchExactRunForEveryKernelAndMeanSetting(Case c) {
        TokenSequence s = c.seq;
        double worst = 0;
        for (boolean causal : new boolean[] {true, false}) {
            for (boolean self : new boolean[] {true, false}) {
                ZetaParams modeParams = mode(c.base, causal, self);
                // run() is select() then attend(): run both engines once per mode, then attend the two
                // selections with every kernel × mean-slot setting
                AttentionResult approxRun = new ZetaAttention(modeParams).run(s);
                AttentionResult exactRun = new ZetaAttention(modeParams.withExact(true)).run(s);
                for (KernelType kernel : KernelType.values()) {
                    for (boolean mean : new boolean[] {true, false}) {
                        ZetaParams p = modeParams.withKernel(kernel).withMeanSlot(mean)
                                .withTau(kernel == KernelType.SOFTMAX ? 2.0 : 1.0);
                        boolean asRun = kernel == KernelType.CAUCHY && mean;
                        AttentionResult approx = asRun ? approxRun : ZetaAttention.attend(s, approxRun.selection, p);
                        AttentionResult exact = asRun ? exactRun : ZetaAttention.attend(s, exactRun.selection, p);
                        for (int i = 0; i < s.size(); i++) {
                            double err = Fixtures.relativeError(approx.outOf(i), exact.outOf(i));
                            worst = Math.max(worst, err);
                            if (!(err <= TOLERANCE)) {
                                throw new AssertionError(c + " " + kernel + " mean=" + mean + " causal=" + causal
                                        + " self=" + self + " pos " + s.pos()[i] + ": relative error " + err);
                            }
                            assertEquals(exact.nnDist[i], approx.nnDist[i], 0.0, "nn_dist");
                        }
                    }
                }
            }
        }
        System.out.println("exactness limit " + c + ": worst relative error of out " + worst);
    }
}
