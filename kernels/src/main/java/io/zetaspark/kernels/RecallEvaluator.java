package io.zetaspark.kernels;

/**
 * How approximate a run is, measured against the exact oracle (docs/ALGORITHM.md): recall@k, where
 * a returned key counts as correct when its distance is no larger than the exact k-th distance
 * (so exact ties are not penalised), and the relative L2 error of {@code out}.
 */
public final class RecallEvaluator {
    private long correct;
    private long expected;
    private long queries;
    private long perfectQueries;
    private double errorSum;
    private double errorMax;
    private double minRecall = 1.0;

    /**
     * Adds one query: the approximate selection's distances (best first), the exact ones, and the
     * two output vectors.
     */
    public void add(double[] approxDist, int approxOff, int approxCount, double[] exactDist, int exactOff,
                    int exactCount, float[] approxOut, int aOutOff, float[] exactOut, int eOutOff, int dv) {
        queries++;
        int hits = 0;
        if (exactCount > 0) {
            double kth = exactDist[exactOff + exactCount - 1];
            for (int j = 0; j < approxCount; j++) {
                if (approxDist[approxOff + j] <= kth) {
                    hits++;
                }
            }
            hits = Math.min(hits, exactCount);
            correct += hits;
            expected += exactCount;
            double r = hits / (double) exactCount;
            minRecall = Math.min(minRecall, r);
        }
        if (hits == exactCount) {
            perfectQueries++;
        }
        if (approxOut != null) {
            double num = 0.0;
            double den = 0.0;
            for (int i = 0; i < dv; i++) {
                double a = approxOut[aOutOff + i];
                double e = exactOut[eOutOff + i];
                num += (a - e) * (a - e);
                den += e * e;
            }
            double rel = den == 0.0 ? Math.sqrt(num) : Math.sqrt(num / den);
            errorSum += rel;
            errorMax = Math.max(errorMax, rel);
        }
    }

    /** Compares whole results of the same sequence (approximate vs exact), token by token. */
    public static RecallEvaluator compare(AttentionResult approx, AttentionResult exact) {
        RecallEvaluator ev = new RecallEvaluator();
        int n = approx.size();
        int k = approx.selection.k;
        int ke = exact.selection.k;
        for (int i = 0; i < n; i++) {
            ev.add(approx.selection.dist, i * k, approx.selection.count[i], exact.selection.dist, i * ke,
                    exact.selection.count[i], approx.out, i * approx.dv, exact.out, i * exact.dv, approx.dv);
        }
        return ev;
    }

    /** Merges another evaluator's counts into this one. */
    public void merge(RecallEvaluator o) {
        correct += o.correct;
        expected += o.expected;
        queries += o.queries;
        perfectQueries += o.perfectQueries;
        errorSum += o.errorSum;
        errorMax = Math.max(errorMax, o.errorMax);
        minRecall = Math.min(minRecall, o.minRecall);
    }

    /** Micro-averaged recall@k over all evaluated queries (1 when nothing was expected). */
    public double recall() {
        return expected == 0 ? 1.0 : correct / (double) expected;
    }

    public double minQueryRecall() {
        return minRecall;
    }

    public long queries() {
        return queries;
    }

    /** Fraction of queries whose selection is fully correct. */
    public double perfectFraction() {
        return queries == 0 ? 1.0 : perfectQueries / (double) queries;
    }

    public double meanRelativeError() {
        return queries == 0 ? 0.0 : errorSum / queries;
    }

    public double maxRelativeError() {
        return errorMax;
    }

    /**
     * One line for a run summary: recall@k, the per-query minimum, the fully correct share and the
     * output error ({@code recall@32 0.9725 over 1000 queries (min 0.781, fully correct 52.3%), ...}).
     */
    public String describe(int k) {
        return String.format(java.util.Locale.ROOT,
                "recall@%d %.4f over %d queries (min %.3f, fully correct %.1f%%), out rel. L2 error mean %.2e max %.2e",
                k, recall(), queries(), minQueryRecall(), 100 * perfectFraction(), meanRelativeError(),
                maxRelativeError());
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "recall@k=%.4f (min per query %.3f, fully correct %.1f%%) over %d queries; out rel. L2 error mean %.3e max %.3e",
                recall(), minQueryRecall(), 100 * perfectFraction(), queries, meanRelativeError(), maxRelativeError());
    }
}
