package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine selects a block of queries at a time in the order of their first curve's insertion
 * points: the selections (positions, distances, token indices, counts) and the rows walked are
 * those of one query at a time in index order (block size 1), for blocks that end inside levels and
 * chunks, for the whole run and for cursors that start inside a block.
 */
class SelectionBlockTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.zetaspark.kernels.CursorTest#cases")
    void blockOrderChangesNoByte(String name, TokenGenerator.Kind kind, long stride, ZetaParams params) {
        if (params.exact()) {
            return; // the oracle selects in exact mode; no blocks
        }
        TokenSequence s = new TokenGenerator(kind, 9, 3, 4).sequence(0, 3000, stride);
        Selection one = new ZetaAttention(params, 1).select(s);
        assertTrue(one.rowsWalked > 0, name + ": the curves were searched");
        for (int block : new int[] {7, 64, 1000, Integer.MAX_VALUE}) {
            Selection sel = new ZetaAttention(params, block).select(s);
            String at = name + ", block " + block;
            assertArrayEquals(one.count, sel.count, at);
            assertArrayEquals(one.pos, sel.pos, at);
            assertArrayEquals(one.dist, sel.dist, at);
            assertArrayEquals(one.idx, sel.idx, at);
            assertEquals(one.rowsWalked, sel.rowsWalked, at);
        }
        int from = params.causal() ? 1234 : 0;
        ZetaAttention.Cursor c = new ZetaAttention(params, 7).cursor(s, from);
        for (int i = from; i < s.size(); i++) {
            c.advance();
            assertArrayEquals(one.positionsOf(i), Arrays.copyOf(c.nbrPos, c.count), name + " cursor, token " + i);
            assertArrayEquals(one.distancesOf(i), Arrays.copyOf(c.nbrDist, c.count), name + " cursor, token " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void selectingSomeQueriesGivesTheirSelectionsOfTheWholeRun() {
        ZetaParams p = ZetaParams.defaults().withChunkSize(32).withWindow(8).withK(8);
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.TIES, 9, 3, 2).sequence(9, 5000, 2);
        Selection all = new ZetaAttention(p).select(s);
        int[] some = {0, 1, 31, 32, 33, 700, 701, 2048, 4999};
        Selection part = new ZetaAttention(p).selectSome(s, some);
        for (int j = 0; j < some.length; j++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(all.positionsOf(some[j]), part.positionsOf(j), "query " + some[j]);
            org.junit.jupiter.api.Assertions.assertArrayEquals(all.distancesOf(some[j]), part.distancesOf(j), 0.0);
        }
    }
}
