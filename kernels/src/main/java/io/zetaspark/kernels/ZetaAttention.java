package io.zetaspark.kernels;

/**
 * The in-memory engine: the whole operator on one sequence held in memory. This is the reference
 * that the distributed Spark plan and the GPU kernel reproduce bit for bit.
 *
 * <p>Selection (docs/ALGORITHM.md): every eligible key of the query's own chunk is scored exactly;
 * earlier chunks are searched through C shifted Z-order curves, each contributing the W/2
 * earlier-chunk keys on each side of the query's insertion point in the (code, pos) order of the
 * query's nested prefix block; the best k of the deduplicated union win. With {@code exact=true}
 * the {@link ExactOracle} selects instead. Then {@link #attend} computes weights, the mean slot and
 * the outputs, shared with the oracle.
 *
 * <p>Cost per query: O(C·W + M) distance evaluations plus the walk over skipped keys; building the
 * level orders costs O(C·n) radix-sort work per level, about 2·C·n in all.
 */
public final class ZetaAttention {
    private final ZetaParams params;

    public ZetaAttention(ZetaParams params) {
        this.params = params;
    }

    public ZetaParams params() {
        return params;
    }

    /** Runs selection and attention on one sequence. */
    public AttentionResult run(TokenSequence s) {
        Selection sel = params.exact() ? ExactOracle.select(s, params) : select(s);
        return attend(s, sel, params);
    }

    /** The approximate selection S(p) of every token. */
    public Selection select(TokenSequence s) {
        int n = s.size();
        int d = s.d();
        params.checkDims(d);
        int kk = params.k();
        int curves = params.curves();
        int half = params.halfWindow();
        long m = params.chunkSize();
        boolean causal = params.causal();
        boolean self = params.includeSelf();
        long[] pos = s.pos();
        float[] q = s.q();
        float[] k = s.k();
        ShiftedCurves sc = new ShiftedCurves(d, params);

        Selection sel = new Selection(n, kk);
        long[] qCodes = new long[n * curves];
        long[] kCodes = new long[n * curves];
        long[] scratch = new long[d];
        long clamped = 0;
        for (int i = 0; i < n; i++) {
            clamped += sc.encodeAll(q, i * d, qCodes, i * curves, scratch);
            clamped += sc.encodeAll(k, i * d, kCodes, i * curves, scratch);
        }
        sel.clampedComponents = clamped;

        TopK top = new TopK(kk);
        int[] stamp = new int[n];
        int stampValue = 0;
        long walked = 0;
        for (NestedLevels.Step step : NestedLevels.plan(pos, n, m, causal)) {
            int keyCount = step.keyCount;
            SortedKeyRun[] runs = keyCount > 0 ? SortedKeyRun.forLevel(kCodes, k, d, curves, keyCount, pos) : null;
            int chunkStart = step.queryFrom; // index of the first token of the current query's chunk
            int chunkEnd = step.queryFrom; // one past the last token of the current chunk (bidirectional own chunk)
            for (int i = step.queryFrom; i < step.queryTo; i++) {
                long chunk = pos[i] / m;
                if (i == step.queryFrom || chunk != pos[i - 1] / m) {
                    chunkStart = i;
                    chunkEnd = i;
                    while (chunkEnd < n && pos[chunkEnd] / m == chunk) {
                        chunkEnd++;
                    }
                }
                stampValue++;
                top.reset(kk);
                int ownEnd = causal ? (self ? i + 1 : i) : chunkEnd;
                for (int j = chunkStart; j < ownEnd; j++) {
                    if (!self && j == i) {
                        continue;
                    }
                    stamp[j] = stampValue;
                    top.offer(Distances.squared(q, i * d, k, j * d, d), pos[j], j);
                }
                if (keyCount > 0) {
                    long cutLo = chunk * m;
                    long cutHi = causal || cutLo > Long.MAX_VALUE - m ? Long.MAX_VALUE : cutLo + m;
                    for (int c = 0; c < curves; c++) {
                        SortedKeyRun run = runs[c];
                        int ins = CurveWindow.insertionPoint(run.codes, 0, keyCount, qCodes[i * curves + c]);
                        walked += CurveWindow.collect(run.codes, run.pos, run.vec, run.id, d, 0, keyCount, ins,
                                cutLo, cutHi, half, q, i * d, top, stamp, stampValue);
                    }
                }
                sel.take(i, top);
            }
        }
        sel.rowsWalked = walked;
        return sel;
    }

    /**
     * Weights, mean slot and outputs for a given selection (shared by the approximate engine and
     * the oracle, so that both differ only in the selected sets).
     */
    public static AttentionResult attend(TokenSequence s, Selection sel, ZetaParams params) {
        int n = s.size();
        int d = s.d();
        int dv = s.dv();
        int kk = sel.k;
        long[] pos = s.pos();
        float[] q = s.q();
        float[] k = s.k();
        float[] v = s.v();
        float[] out = new float[n * dv];
        float[] nbrW = new float[n * kk];
        double[] nn = new double[n];
        Attention att = new Attention(params, dv);
        int[] valOff = new int[kk];
        boolean mean = params.meanSlot();
        boolean causal = params.causal();
        boolean self = params.includeSelf();
        HierarchicalSum sums = new HierarchicalSum(d + dv, params.chunkSize());
        double[] sum = new double[d + dv];
        double[] meanK = new double[d];
        double[] meanV = new double[dv];
        double[] total = null;
        if (mean && !causal) {
            for (int i = 0; i < n; i++) {
                sums.add(pos[i], k, i * d, d, v, i * dv, dv);
            }
            total = new double[d + dv];
            sums.total(total);
        }
        for (int i = 0; i < n; i++) {
            int cnt = sel.count[i];
            for (int j = 0; j < cnt; j++) {
                valOff[j] = sel.idx[i * kk + j] * dv;
            }
            boolean hasMean = false;
            double meanDist = 0.0;
            if (mean) {
                long eligible;
                if (causal) {
                    if (!self) {
                        sums.advanceTo(pos[i]); // close the previous chunk first: (A + B) + C with C empty
                        sums.prefix(sum);
                        eligible = sums.count();
                        sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                    } else {
                        sums.add(pos[i], k, i * d, d, v, i * dv, dv);
                        sums.prefix(sum);
                        eligible = sums.count();
                    }
                } else {
                    eligible = self ? n : n - 1;
                    for (int t = 0; t < d; t++) {
                        sum[t] = self ? total[t] : total[t] - k[i * d + t];
                    }
                    for (int t = 0; t < dv; t++) {
                        sum[d + t] = self ? total[d + t] : total[d + t] - v[i * dv + t];
                    }
                }
                if (eligible > 0) {
                    hasMean = true;
                    meanOf(sum, eligible, d, dv, meanK, meanV);
                    meanDist = Distances.squared(q, i * d, meanK, 0, d);
                }
            }
            att.apply(cnt, sel.dist, i * kk, v, valOff, hasMean, meanDist, meanV, out, i * dv, nbrW, i * kk);
            nn[i] = cnt == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(sel.dist[i * kk]);
        }
        return new AttentionResult(pos, dv, out, sel, nbrW, nn);
    }

    /** Mean of the eligible keys and values from their sums: each component divided by the count. */
    public static void meanOf(double[] sum, long count, int d, int dv, double[] meanK, double[] meanV) {
        double c = (double) count;
        for (int t = 0; t < d; t++) {
            meanK[t] = sum[t] / c;
        }
        for (int t = 0; t < dv; t++) {
            meanV[t] = sum[d + t] / c;
        }
    }
}
