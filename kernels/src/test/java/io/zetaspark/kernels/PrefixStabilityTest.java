package io.zetaspark.kernels;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property 1 (causality / prefix stability): changing or appending tokens after p never changes
 * out(p), the selected positions or the weights — compared bit for bit.
 */
class PrefixStabilityTest {
    private static final int N = 3000;
    private static final int CUTS = 12;

    static Stream<Arguments> cases() {
        ZetaParams def = ZetaParams.defaults();
        return Stream.of(
                Arguments.of("gaussian defaults", TokenGenerator.Kind.GAUSSIAN, 1L, def),
                Arguments.of("ties defaults", TokenGenerator.Kind.TIES, 1L, def),
                Arguments.of("ties M=32 W=16 C=2 no self", TokenGenerator.Kind.TIES, 1L,
                        def.withChunkSize(32).withWindow(16).withCurves(2).withIncludeSelf(false)),
                Arguments.of("clustered stride 5 M=64 W=8 softmax", TokenGenerator.Kind.CLUSTERED, 5L,
                        def.withChunkSize(64).withWindow(8).withKernel(KernelType.SOFTMAX)),
                Arguments.of("gaussian M=16 W=4 C=1 inverse, no mean", TokenGenerator.Kind.GAUSSIAN, 1L,
                        def.withChunkSize(16).withWindow(4).withCurves(1).withKernel(KernelType.INVERSE)
                                .withMeanSlot(false)));
    }

    /** Cut points spread over the sequence, seeded, including chunk edges. */
    private static int[] cuts(ZetaParams p, long stride) {
        int[] c = Fixtures.sample(99, CUTS, N - 1);
        int m = (int) (p.chunkSize() / stride);
        c[0] = 0; // the very first token
        c[1] = Math.min(N - 2, Math.max(1, m) - 1); // last token of chunk 0
        c[2] = Math.min(N - 2, Math.max(1, m)); // first token of chunk 1
        return c;
    }

    /** Replaces every token after index cut; mode 0: fresh random vectors, mode 1: keys equal to query cut's query. */
    private static TokenSequence perturbAfter(TokenSequence s, int cut, int mode, long seed) {
        TokenSequence t = Fixtures.copy(s);
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = s.d();
        int dv = s.dv();
        float[] q = t.q();
        float[] k = t.k();
        float[] v = t.v();
        for (int j = cut + 1; j < s.size(); j++) {
            for (int m = 0; m < d; m++) {
                q[j * d + m] = (float) (3 * Fixtures.nextGaussian(rnd));
                // mode 1: later keys sit exactly on an earlier query, the nearest possible keys if leaked
                k[j * d + m] = mode == 1 ? s.q()[cut * d + m] : (float) (3 * Fixtures.nextGaussian(rnd));
            }
            for (int m = 0; m < dv; m++) {
                v[j * dv + m] = (float) (100 * Fixtures.nextGaussian(rnd));
            }
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void perturbingLaterTokensChangesNothingBefore(String name, TokenGenerator.Kind kind, long stride, ZetaParams p) {
        TokenSequence s = Fixtures.generate(kind, 3, 3, 6, N, stride);
        AttentionResult base = new ZetaAttention(p).run(s);
        int checked = 0;
        for (int cut : cuts(p, stride)) {
            for (int mode = 0; mode < 2; mode++) {
                AttentionResult changed = new ZetaAttention(p).run(perturbAfter(s, cut, mode, 1000L * cut + mode));
                for (int i = 0; i <= cut; i++) {
                    Fixtures.assertSameBits(changed, i, base, i, name + ", tokens after index " + cut
                            + " perturbed (mode " + mode + "), query pos " + s.pos()[i]);
                    checked++;
                }
            }
        }
        System.out.println("prefix stability " + name + ": " + checked + " (query, perturbation) pairs bit-identical");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appendingTokensChangesNothingBefore(String name, TokenGenerator.Kind kind, long stride, ZetaParams p) {
        TokenSequence s = Fixtures.generate(kind, 4, 3, 6, N, stride);
        AttentionResult full = new ZetaAttention(p).run(s);
        for (int cut : cuts(p, stride)) {
            AttentionResult prefix = new ZetaAttention(p).run(s.prefix(cut + 1));
            for (int i = 0; i <= cut; i++) {
                Fixtures.assertSameBits(prefix, i, full, i, name + ", prefix of " + (cut + 1)
                        + " tokens vs the whole sequence, query pos " + s.pos()[i]);
            }
        }
    }
}
