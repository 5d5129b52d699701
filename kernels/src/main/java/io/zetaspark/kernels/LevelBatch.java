package io.zetaspark.kernels;

import java.util.function.Consumer;

/**
 * One window batch of an in-memory sequence: the queries of one nested level against one curve's
 * (code, pos)-sorted run of that level's keys, with everything {@link WindowBatch#run} takes. The
 * Spark job forms the same batches from its sorted partitions; this enumeration serves the tests
 * and benchmarks that compare the window-stage engines on whole sequences.
 *
 * <p>Levels as in {@link ZetaAttention} (docs/ALGORITHM.md): causal queries of chunk c ≥ 1 search
 * level ℓ = ceil(log2(c + 1)), whose keys are the tokens of chunks below 2^ℓ − 1; chunk 0 has no
 * batch. Bidirectional queries all search one level holding every key.
 */
public final class LevelBatch {
    public final int level;
    public final int curve;
    /** The sorted run: rows [0, run.size()). */
    public final SortedKeyRun run;
    /** Token index of each batch query. */
    public final int[] queries;
    public final int[] ins;
    public final long[] cutLo;
    public final long[] cutHi;
    public final float[] qVec;

    private LevelBatch(int level, int curve, SortedKeyRun run, int[] queries, int[] ins, long[] cutLo, long[] cutHi,
                       float[] qVec) {
        this.level = level;
        this.curve = curve;
        this.run = run;
        this.queries = queries;
        this.ins = ins;
        this.cutLo = cutLo;
        this.cutHi = cutHi;
        this.qVec = qVec;
    }

    public int nq() {
        return queries.length;
    }

    /** Hands every batch of the sequence to {@code action}, level by level, curve by curve. */
    public static void forEach(TokenSequence s, ZetaParams params, Consumer<LevelBatch> action) {
        int n = s.size();
        int d = s.d();
        params.checkDims(d);
        long m = params.chunkSize();
        long[] pos = s.pos();
        ShiftedCurves sc = new ShiftedCurves(d, params);
        int curves = sc.curves();
        long[] qCodes = new long[n * curves];
        long[] kCodes = new long[n * curves];
        long[] scratch = new long[d];
        for (int i = 0; i < n; i++) {
            sc.encodeAll(s.q(), i * d, qCodes, i * curves, scratch);
            sc.encodeAll(s.k(), i * d, kCodes, i * curves, scratch);
        }
        int i = 0;
        while (i < n) {
            int level;
            int end;
            int keyCount;
            if (params.causal()) {
                level = NestedLevels.queryLevel(pos[i] / m);
                end = i;
                while (end < n && NestedLevels.queryLevel(pos[end] / m) == level) {
                    end++;
                }
                keyCount = level == 0 ? 0 : tokensBelow(pos, NestedLevels.lastQueryChunk(level), m);
            } else {
                level = 1;
                end = n;
                keyCount = n;
            }
            if (keyCount > 0) {
                emit(s, params, level, i, end, keyCount, qCodes, kCodes, curves, action);
            }
            i = end;
        }
    }

    private static void emit(TokenSequence s, ZetaParams params, int level, int first, int end, int keyCount,
                             long[] qCodes, long[] kCodes, int curves, Consumer<LevelBatch> action) {
        int d = s.d();
        long m = params.chunkSize();
        long[] pos = s.pos();
        SortedKeyRun[] runs = SortedKeyRun.forLevel(kCodes, s.k(), d, curves, keyCount, pos);
        int nq = end - first;
        for (int c = 0; c < curves; c++) {
            int[] queries = new int[nq];
            long[] qc = new long[nq];
            long[] lo = new long[nq];
            long[] hi = new long[nq];
            for (int r = 0; r < nq; r++) {
                int t = first + r;
                queries[r] = t;
                qc[r] = qCodes[t * curves + c];
                lo[r] = pos[t] / m * m;
                hi[r] = params.causal() || lo[r] > Long.MAX_VALUE - m ? Long.MAX_VALUE : lo[r] + m;
            }
            float[] qv = java.util.Arrays.copyOfRange(s.q(), first * d, end * d);
            int[] ins = WindowBatch.insertionPoints(runs[c].codes, 0, keyCount, qc, nq);
            action.accept(new LevelBatch(level, c, runs[c], queries, ins, lo, hi, qv));
        }
    }

    /** Tokens whose chunk is below {@code chunkBound} (the same bound arithmetic as the engine). */
    private static int tokensBelow(long[] pos, long chunkBound, long m) {
        long limit = chunkBound > Long.MAX_VALUE / m ? Long.MAX_VALUE : chunkBound * m;
        int at = java.util.Arrays.binarySearch(pos, limit);
        return at >= 0 ? at : -at - 1;
    }
}
