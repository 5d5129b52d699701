package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming cursor gives the whole-sequence run's bytes, also when it starts mid-sequence over
 * a prefix that ends at an arbitrary token (how the Spark plan splits a long causal sequence into
 * parallel parts: queries [a, b) need only the tokens [0, b)).
 */
class CursorTest {
    static Stream<Arguments> cases() {
        ZetaParams small = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);
        return Stream.of(
                Arguments.of("gaussian defaults", TokenGenerator.Kind.GAUSSIAN, 1L, ZetaParams.defaults()),
                Arguments.of("ties small", TokenGenerator.Kind.TIES, 3L, small),
                Arguments.of("ties small no self softmax", TokenGenerator.Kind.TIES, 1L,
                        small.withIncludeSelf(false).withKernel(KernelType.SOFTMAX)),
                Arguments.of("clustered small no mean", TokenGenerator.Kind.CLUSTERED, 2L, small.withMeanSlot(false)),
                Arguments.of("gaussian small exact", TokenGenerator.Kind.GAUSSIAN, 1L, small.withExact(true)),
                Arguments.of("gaussian small bidirectional", TokenGenerator.Kind.GAUSSIAN, 1L, small.withCausal(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cursorRangesEqualTheWholeRun(String name, TokenGenerator.Kind kind, long stride, ZetaParams params) {
        TokenSequence s = new TokenGenerator(kind, 5, 3, 4).sequence(0, 2500, stride);
        ZetaAttention engine = new ZetaAttention(params);
        AttentionResult whole = engine.run(s);
        int[][] ranges = params.causal() ? new int[][] {{0, 2500}, {0, 700}, {700, 1901}, {1901, 2500}, {37, 38}}
                : new int[][] {{0, 2500}, {1200, 2500}};
        for (int[] r : ranges) {
            TokenSequence prefix = params.causal() ? s.prefix(r[1]) : s;
            ZetaAttention.Cursor c = engine.cursor(prefix, r[0]);
            for (int i = r[0]; i < r[1]; i++) {
                c.advance();
                String at = name + " range " + Arrays.toString(r) + " token " + i;
                assertEquals(i, c.index, at);
                assertArrayEquals(whole.outOf(i), c.out, at);
                assertArrayEquals(whole.selection.positionsOf(i), Arrays.copyOf(c.nbrPos, c.count), at);
                assertArrayEquals(whole.weightsOf(i), Arrays.copyOf(c.nbrW, c.count), at);
                assertEquals(whole.nnDist[i], c.nnDist, at);
            }
        }
    }
}
