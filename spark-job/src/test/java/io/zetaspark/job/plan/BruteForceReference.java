package io.zetaspark.job.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent reference for the operator's outputs, written from docs/ALGORITHM.md ("Weights,
 * mean slot and outputs") with no code of the kernels module: plain loops over boxed-free arrays,
 * sums in the obvious order (not the engine's hierarchical one), so agreement is to rounding, not
 * to the bit. Given the selected positions of a query it computes the weights, the mean slot, the
 * normalisation, out, nbr_w and nn_dist; {@link #exactTopK} computes the exact selection itself.
 */
final class BruteForceReference {
    static final double EPS_INVERSE = 1e-6;

    /** One token sequence as plain arrays (positions ascending). */
    record Tokens(long[] pos, float[][] q, float[][] k, float[][] v) {
        int n() {
            return pos.length;
        }
    }

    /** The reference outputs of one query. */
    record Output(double[] out, double[] nbrW, double nnDist) {
    }

    private final String kernel;
    private final double gamma;
    private final double tau;
    private final boolean meanSlot;
    private final boolean causal;
    private final boolean includeSelf;

    BruteForceReference(String kernel, double gamma, double tau, boolean meanSlot, boolean causal, boolean includeSelf) {
        this.kernel = kernel;
        this.gamma = gamma;
        this.tau = tau;
        this.meanSlot = meanSlot;
        this.causal = causal;
        this.includeSelf = includeSelf;
    }

    static double dist(float[] a, float[] b) {
        double s = 0;
        for (int m = 0; m < a.length; m++) {
            double x = (double) a[m] - (double) b[m];
            s += x * x;
        }
        return s;
    }

    private static double dist(float[] a, double[] b) {
        double s = 0;
        for (int m = 0; m < a.length; m++) {
            double x = (double) a[m] - b[m];
            s += x * x;
        }
        return s;
    }

    boolean eligible(Tokens t, int query, int key) {
        if (!causal) {
            return includeSelf || key != query;
        }
        return includeSelf ? t.pos[key] <= t.pos[query] : t.pos[key] < t.pos[query];
    }

    /** The exact top-k of a query: smallest distance first, the larger position first on ties. */
    List<Integer> exactTopK(Tokens t, int query, int k) {
        List<Integer> keys = new ArrayList<>();
        for (int j = 0; j < t.n(); j++) {
            if (eligible(t, query, j)) {
                keys.add(j);
            }
        }
        keys.sort((a, b) -> {
            int c = Double.compare(dist(t.q[query], t.k[a]), dist(t.q[query], t.k[b]));
            return c != 0 ? c : Long.compare(t.pos[b], t.pos[a]);
        });
        return keys.subList(0, Math.min(k, keys.size()));
    }

    private double weight(double delta, double deltaMin) {
        switch (kernel) {
            case "cauchy":
                return 1.0 / (delta + gamma * gamma);
            case "softmax":
                return Math.exp(-(delta - deltaMin) / tau);
            case "inverse":
                return 1.0 / (Math.sqrt(delta) + EPS_INVERSE);
            default:
                throw new IllegalArgumentException(kernel);
        }
    }

    /** The outputs of {@code query} for the given selected token indices (in candidate order). */
    Output output(Tokens t, int query, List<Integer> selected) {
        int dv = t.v[0].length;
        int d = t.q[0].length;
        if (selected.isEmpty()) {
            return new Output(new double[dv], new double[0], Double.POSITIVE_INFINITY);
        }
        double[] delta = new double[selected.size()];
        double deltaMin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < delta.length; i++) {
            delta[i] = dist(t.q[query], t.k[selected.get(i)]);
            deltaMin = Math.min(deltaMin, delta[i]);
        }
        double[] num = new double[dv];
        double den = 0;
        double[] w = new double[delta.length];
        for (int i = 0; i < delta.length; i++) {
            w[i] = weight(delta[i], deltaMin);
            den += w[i];
            for (int c = 0; c < dv; c++) {
                num[c] += w[i] * t.v[selected.get(i)][c];
            }
        }
        if (meanSlot) {
            double[] kMean = new double[d];
            double[] vMean = new double[dv];
            int count = 0;
            for (int j = 0; j < t.n(); j++) {
                if (eligible(t, query, j)) {
                    count++;
                    for (int m = 0; m < d; m++) {
                        kMean[m] += t.k[j][m];
                    }
                    for (int c = 0; c < dv; c++) {
                        vMean[c] += t.v[j][c];
                    }
                }
            }
            for (int m = 0; m < d; m++) {
                kMean[m] /= count;
            }
            for (int c = 0; c < dv; c++) {
                vMean[c] /= count;
            }
            double wMean = weight(dist(t.q[query], kMean), deltaMin);
            den += wMean;
            for (int c = 0; c < dv; c++) {
                num[c] += wMean * vMean[c];
            }
        }
        double[] out = new double[dv];
        for (int c = 0; c < dv; c++) {
            out[c] = num[c] / den;
        }
        double[] nbrW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            nbrW[i] = w[i] / den;
        }
        return new Output(out, nbrW, Math.sqrt(deltaMin));
    }
}
