package io.zetaspark.kernels;

import java.util.function.Consumer;

/**
 * One window batch of an in-memory sequence: the queries of one nested level against one curve's
 * (code, pos)-sorted run of that level's keys, with everything {@link WindowBatch#run} takes. The
 * Spark job forms the same batches from its sorted partitions; this enumeration serves the tests
 * and benchmarks that compare the window-stage engines on whole sequences.
 *
 * <p>Levels from {@link NestedLevels#plan} (docs/ALGORITHM.md), as in {@link ZetaAttention}: causal
 * queries of relative chunk c ≥ 1 search level ℓ = ceil(log2(c + 1)), whose keys are the tokens of
 * relative chunks below 2^ℓ − 1; the first chunk has no batch. Bidirectional queries all search one
 * level holding every key.
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
        sc.encodeSequence(s.q(), n, qCodes);
        sc.encodeSequence(s.k(), n, kCodes);
        for (NestedLevels.Step step : NestedLevels.plan(pos, n, m, params.causal())) {
            if (step.keyCount > 0) {
                emit(s, params, step.level, step.queryFrom, step.queryTo, step.keyCount, qCodes, kCodes, curves, action);
            }
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
}
