package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.NestedLevels;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.SortedKeyRun;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Seeded sequences and the window batches the engine's levels and curves give rise to. */
final class Fixtures {
    private Fixtures() {
    }

    static TokenSequence sequence(TokenGenerator.Kind kind, int n, long stride, long seed, int d, int dv) {
        return new TokenGenerator(kind, seed, d, dv).sequence(0, n, stride);
    }

    /** Key and query codes, {@code [i·curves + c]}, as the engine computes them. */
    static long[][] codes(TokenSequence s, ZetaParams params) {
        int n = s.size();
        int d = s.d();
        ShiftedCurves sc = new ShiftedCurves(d, params);
        int curves = sc.curves();
        long[] qCodes = new long[n * curves];
        long[] kCodes = new long[n * curves];
        long[] scratch = new long[d];
        for (int i = 0; i < n; i++) {
            sc.encodeAll(s.q(), i * d, qCodes, i * curves, scratch);
            sc.encodeAll(s.k(), i * d, kCodes, i * curves, scratch);
        }
        return new long[][] {qCodes, kCodes};
    }

    /** One window batch: the queries of one level against one curve's sorted run. */
    static final class Batch {
        final SortedKeyRun run;
        final int[] queries; // token index of each batch query
        final int[] ins;
        final long[] cutLo;
        final long[] cutHi;
        final float[] qVec;

        Batch(SortedKeyRun run, int[] queries, int[] ins, long[] cutLo, long[] cutHi, float[] qVec) {
            this.run = run;
            this.queries = queries;
            this.ins = ins;
            this.cutLo = cutLo;
            this.cutHi = cutHi;
            this.qVec = qVec;
        }

        int nq() {
            return queries.length;
        }
    }

    /**
     * Every (level, curve) window batch of a sequence, in the engine's terms: causal queries of
     * chunk c ≥ 1 search level ceil(log2(c+1)) whose keys are the tokens of chunks below 2^level − 1;
     * bidirectional queries search one level holding every key.
     */
    static void forEachBatch(TokenSequence s, ZetaParams params, Consumer<Batch> action) {
        int n = s.size();
        int d = s.d();
        long m = params.chunkSize();
        long[] pos = s.pos();
        long[][] codes = codes(s, params);
        int curves = params.curves();
        List<int[]> groups = new ArrayList<>(); // {level, first query, end query, keyCount}
        if (params.causal()) {
            int i = 0;
            while (i < n) {
                int level = NestedLevels.queryLevel(pos[i] / m);
                int j = i;
                while (j < n && NestedLevels.queryLevel(pos[j] / m) == level) {
                    j++;
                }
                if (level > 0) {
                    long limit = NestedLevels.lastQueryChunk(level) * m;
                    int keyCount = 0;
                    while (keyCount < n && pos[keyCount] < limit) {
                        keyCount++;
                    }
                    groups.add(new int[] {level, i, j, keyCount});
                }
                i = j;
            }
        } else {
            groups.add(new int[] {1, 0, n, n});
        }
        for (int[] g : groups) {
            int keyCount = g[3];
            if (keyCount == 0) {
                continue;
            }
            SortedKeyRun[] runs = SortedKeyRun.forLevel(codes[1], s.k(), d, curves, keyCount, pos);
            int nq = g[2] - g[1];
            for (int c = 0; c < curves; c++) {
                int[] queries = new int[nq];
                long[] qCodes = new long[nq];
                long[] cutLo = new long[nq];
                long[] cutHi = new long[nq];
                float[] qVec = new float[nq * d];
                for (int r = 0; r < nq; r++) {
                    int i = g[1] + r;
                    queries[r] = i;
                    qCodes[r] = codes[0][i * curves + c];
                    cutLo[r] = pos[i] / m * m;
                    cutHi[r] = params.causal() ? Long.MAX_VALUE : cutLo[r] + m;
                    System.arraycopy(s.q(), i * d, qVec, r * d, d);
                }
                int[] ins = io.zetaspark.kernels.WindowBatch.insertionPoints(runs[c].codes, 0, keyCount, qCodes, nq);
                action.accept(new Batch(runs[c], queries, ins, cutLo, cutHi, qVec));
            }
        }
    }

    /** Asserts two selections equal entry by entry (counts, positions, distances, token indices). */
    static void assertSameSelection(AttentionResult expected, AttentionResult actual, String what) {
        assertArrayEquals(expected.selection.count, actual.selection.count, what + ": counts");
        assertArrayEquals(expected.selection.pos, actual.selection.pos, what + ": selected positions");
        assertArrayEquals(expected.selection.dist, actual.selection.dist, what + ": selected distances");
        assertArrayEquals(expected.selection.idx, actual.selection.idx, what + ": selected token indices");
        assertEquals(expected.selection.rowsWalked, actual.selection.rowsWalked, what + ": rows walked");
        assertEquals(expected.selection.clampedComponents, actual.selection.clampedComponents, what + ": clamped");
    }

    /**
     * Asserts {@code out} within {@code tol} relative L2 error per token and returns how many of the
     * floats are bit-identical.
     */
    static long assertOutClose(AttentionResult expected, AttentionResult actual, double tol, String what) {
        int dv = expected.dv;
        long identical = 0;
        for (int i = 0; i < expected.size(); i++) {
            double num = 0;
            double den = 0;
            for (int t = 0; t < dv; t++) {
                float e = expected.out[i * dv + t];
                float a = actual.out[i * dv + t];
                if (Float.floatToIntBits(e) == Float.floatToIntBits(a)) {
                    identical++;
                }
                num += ((double) a - e) * ((double) a - e);
                den += (double) e * e;
            }
            double rel = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
            final int token = i;
            assertTrue(rel <= tol, () -> what + ": token " + token + " out relative error " + rel + " > " + tol);
        }
        return identical;
    }
}
