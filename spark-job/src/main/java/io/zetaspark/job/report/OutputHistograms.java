package io.zetaspark.job.report;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.zetaspark.job.ZetaColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Distributions of the operator's output that show at a glance whether a run was healthy, each
 * computed on the cluster by a few small aggregations (only bin counts reach the driver): selected
 * keys per query, the nearest selected distance ({@code nn_dist}), the normalised weights of the
 * selected keys ({@code nbr_w}) and the share of each query's weight left to the mean slot
 * ({@code 1 − Σ nbr_w}). A column the run did not write (its output name set empty) gives no
 * histogram.
 */
public final class OutputHistograms {
    /** Equal-width bins over [lo, hi]; {@code counts[i]} covers [lo + i·w, lo + (i+1)·w). */
    public static final class Histogram {
        public final double lo;
        public final double hi;
        public final long[] counts;
        /** Values outside the binned range (e.g. an infinite nn_dist: nothing was eligible). */
        public final long excluded;
        /** Whether the last bin also holds every value above {@code hi} (the long tail past the 99.5th percentile). */
        public final boolean openTop;

        Histogram(double lo, double hi, long[] counts, long excluded, boolean openTop) {
            this.lo = lo;
            this.hi = hi;
            this.counts = counts;
            this.excluded = excluded;
            this.openTop = openTop;
        }

        /** Label of bin i as "[a, b)". */
        String label(int i) {
            double w = (hi - lo) / counts.length;
            if (openTop && i == counts.length - 1) {
                return "≥" + Svg.compact(lo + i * w);
            }
            return Svg.compact(lo + i * w) + "–" + Svg.compact(lo + (i + 1) * w);
        }
    }

    /** Queries by number of selected keys: {@code selected[c]} queries got c keys (0..k). */
    public final long[] selected;
    public final Histogram nnDist;
    public final Histogram weights;
    public final Histogram meanShare;

    private OutputHistograms(long[] selected, Histogram nnDist, Histogram weights, Histogram meanShare) {
        this.selected = selected;
        this.nnDist = nnDist;
        this.weights = weights;
        this.meanShare = meanShare;
    }

    /** Computes the histograms of {@code result} (the operator's output with the given column names). */
    public static OutputHistograms of(Dataset<Row> result, ZetaColumns cols, int k, boolean meanSlot, int bins) {
        long[] selected = null;
        if (!cols.nbrPos().isEmpty()) {
            selected = new long[k + 1];
            for (Row r : result.groupBy(size(col(cols.nbrPos())).as("c")).count().collectAsList()) {
                int c = r.getInt(0);
                if (c >= 0 && c <= k) {
                    selected[c] += r.getLong(1);
                }
            }
        }
        Histogram nn = null;
        if (!cols.nnDist().isEmpty()) {
            Column d = col(cols.nnDist());
            Column finite = d.isNotNull().and(d.notEqual(lit(Double.POSITIVE_INFINITY))).and(d.equalTo(d));
            nn = binned(result.select(when(finite, d).as("x")), "x", bins, false);
        }
        Histogram w = null;
        Histogram share = null;
        if (!cols.nbrW().isEmpty()) {
            Dataset<Row> ws = result.select(explode(col(cols.nbrW())).as("x"));
            w = binned(ws.select(col("x").cast("double").as("x")), "x", bins, true);
            if (meanSlot) {
                Column sum = aggregate(col(cols.nbrW()), lit(0.0), (acc, x) -> acc.plus(x.cast("double")));
                Column s = when(size(col(cols.nbrW())).gt(0), lit(1.0).minus(sum));
                share = fixed(result.select(s.as("x")), "x", 0.0, 1.0, bins);
            }
        }
        return new OutputHistograms(selected, nn, w, share);
    }

    /**
     * Bins over [0 or the observed min, the 99.5th percentile] of column x, the last bin also holding
     * the tail above it (so one far outlier does not squeeze every other bar into the first bin);
     * nulls are counted as excluded.
     */
    private static Histogram binned(Dataset<Row> xs, String x, int bins, boolean fromZero) {
        Row mm = xs.agg(min(col(x)), max(col(x)), count(col(x)), count(lit(1))).first();
        long excluded = mm.getLong(3) - mm.getLong(2); // rows whose x is null
        if (mm.isNullAt(0)) {
            return new Histogram(0, 1, new long[bins], excluded, false);
        }
        double lo = fromZero ? 0.0 : mm.getDouble(0);
        double max = mm.getDouble(1);
        double p995 = xs.stat().approxQuantile(x, new double[] {0.995}, 0.001)[0];
        boolean openTop = p995 > lo && p995 < max;
        double hi = openTop ? lo + (p995 - lo) * bins / (bins - 1.0) : max > lo ? max : lo + 1.0;
        Histogram h = fixed(xs, x, lo, hi, bins);
        return new Histogram(h.lo, h.hi, h.counts, excluded, openTop);
    }

    private static Histogram fixed(Dataset<Row> xs, String x, double lo, double hi, int bins) {
        double width = (hi - lo) / bins;
        Column bin = least(floor(col(x).minus(lit(lo)).divide(lit(width))), lit((long) bins - 1));
        long[] counts = new long[bins];
        long excluded = 0;
        List<Row> rows = xs.groupBy(bin.as("b")).count().collectAsList();
        for (Row r : rows) {
            if (r.isNullAt(0) || r.getLong(0) < 0) {
                excluded += r.getLong(1);
            } else {
                counts[(int) r.getLong(0)] += r.getLong(1);
            }
        }
        return new Histogram(lo, hi, counts, excluded, false);
    }
}
