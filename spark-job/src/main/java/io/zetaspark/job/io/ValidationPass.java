package io.zetaspark.job.io;

import io.zetaspark.job.plan.FaultInjection;
import io.zetaspark.job.plan.rows.RoutedRows;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.ZetaParams;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The data half of {@link InputValidator}, run over partitions that hold whole (seq, pos) runs sorted
 * by (seq, pos) (copies of a row that only serve as keys of a later part of a split sequence are
 * skipped, so every row is checked exactly once): each partition reports its first problem row, its first row and the rows with its
 * shortest and longest q and v; the driver keeps the first of each in (seq, pos) order, so the
 * message names the same row whatever the partitioning. Per row the checks are the ones Catalyst
 * already evaluated (the {@code bad} struct of {@link RoutedRows}); duplicates are adjacent rows with equal
 * (seq, pos). Plain Java over Spark's rows as they leave the sort (no bean decoded, no array copied):
 * no query planning or code generation per run.
 */
final class ValidationPass {
    private ValidationPass() {
    }

    /** A row reference: (seq, pos) with what was found there. */
    static final class Found implements Serializable {
        private static final long serialVersionUID = 1L;
        final String seq;
        final Long pos;
        final int len;
        final int len2;
        final String col;
        final String text;

        Found(String seq, Long pos, int len, int len2, String col, String text) {
            this.seq = seq;
            this.pos = pos;
            this.len = len;
            this.len2 = len2;
            this.col = col;
            this.text = text;
        }
    }

    /** What one partition found. */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        /** Tokens per sequence (a sequence split over partitions is summed by {@link #combine}). */
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        Found bad;
        Found first;
        Found qlo;
        Found qhi;
        Found vlo;
        Found vhi;
        /** Per dimension, the smallest and largest component of q and k (rows of the first row's d). */
        float[] lo;
        float[] hi;
        /** Components of q and k outside the quantiser range of the parameters (clamped by the plan). */
        long clamped;
    }

    /**
     * The observed range and the clamp count of one row's q and k, when they have the partition's
     * first d (other lengths are rejected by the length check, so they are not counted).
     */
    private static final class RangeStats {
        private final ZetaParams params;
        private ShiftedCurves curves;
        private int d = -1;

        RangeStats(ZetaParams params) {
            this.params = params;
        }

        void add(Summary s, ArrayData q, ArrayData k) {
            if (d < 0) {
                d = q.numElements();
                s.lo = new float[d];
                s.hi = new float[d];
                java.util.Arrays.fill(s.lo, Float.POSITIVE_INFINITY);
                java.util.Arrays.fill(s.hi, Float.NEGATIVE_INFINITY);
                try {
                    curves = params == null ? null : new ShiftedCurves(d, params);
                } catch (IllegalArgumentException e) {
                    curves = null; // d does not fit the parameters: validation reports it
                }
            }
            if (q.numElements() != d || k.numElements() != d) {
                return;
            }
            for (int m = 0; m < d; m++) {
                float a = q.getFloat(m);
                float b = k.getFloat(m);
                s.lo[m] = Math.min(s.lo[m], Math.min(a, b));
                s.hi[m] = Math.max(s.hi[m], Math.max(a, b));
                if (curves != null) {
                    s.clamped += (curves.clamps(m, a) ? 1 : 0) + (curves.clamps(m, b) ? 1 : 0);
                }
            }
        }
    }

    static Iterator<Summary> summarize(Iterator<InternalRow> it, ZetaParams params, boolean longSeq) {
        FaultInjection.at("validation");
        Summary s = new Summary();
        RangeStats range = new RangeStats(params);
        RoutedRows.SeqKey seq = new RoutedRows.SeqKey(longSeq); // the current row's sequence
        long seqCount = 0;
        // the current (seq, pos) run: its position, its smallest problem (by column, then text) and its size
        boolean open = false;
        boolean runPosNull = false;
        long runPos = 0;
        String runCol = null;
        String runText = null;
        long runCount = 0;
        while (it.hasNext()) {
            InternalRow t = it.next();
            boolean posNull = t.isNullAt(RoutedRows.POS);
            long pos = posNull ? Long.MIN_VALUE : t.getLong(RoutedRows.POS);
            if (!posNull && pos < t.getLong(RoutedRows.QUERY_FROM)) {
                continue; // a key-only copy for a later part of a split sequence: checked where it is a query
            }
            s.rows++;
            boolean sameSeq = seq.matches(t);
            boolean sameKey = sameSeq && posNull == runPosNull && pos == runPos;
            if (open && !sameKey && s.bad == null) {
                s.bad = problem(seq.string(), runPosNull ? null : runPos, runCol, runText, runCount);
            }
            // rows arrive grouped by sequence: count runs, one map update per sequence
            if (!sameSeq) {
                if (open && !seq.isNull()) {
                    s.counts.merge(seq.string(), seqCount, Long::sum);
                }
                seq.take(t);
                seqCount = 0;
            }
            seqCount++;
            if (!sameKey) {
                runPosNull = posNull;
                runPos = pos;
                runCol = null;
                runText = null;
                runCount = 0;
            }
            open = true;
            int ql = t.isNullAt(RoutedRows.Q) ? -1 : t.getArray(RoutedRows.Q).numElements();
            int vl = t.isNullAt(RoutedRows.V) ? -1 : t.getArray(RoutedRows.V).numElements();
            if (s.first == null) {
                s.first = new Found(seq.string(), posNull ? null : pos, ql, vl, null, null);
            }
            if (s.qlo == null || ql < s.qlo.len) {
                s.qlo = new Found(seq.string(), posNull ? null : pos, ql, 0, null, null);
            }
            if (s.qhi == null || ql > s.qhi.len) {
                s.qhi = new Found(seq.string(), posNull ? null : pos, ql, 0, null, null);
            }
            if (s.vlo == null || vl < s.vlo.len) {
                s.vlo = new Found(seq.string(), posNull ? null : pos, vl, 0, null, null);
            }
            if (s.vhi == null || vl > s.vhi.len) {
                s.vhi = new Found(seq.string(), posNull ? null : pos, vl, 0, null, null);
            }
            String badCol = null;
            String badText = null;
            if (t.isNullAt(RoutedRows.BAD)) {
                range.add(s, t.getArray(RoutedRows.Q), t.getArray(RoutedRows.K));
            } else {
                InternalRow b = t.getStruct(RoutedRows.BAD, 2);
                badCol = b.getUTF8String(0).toString();
                badText = b.isNullAt(1) ? "" : b.getUTF8String(1).toString();
            }
            if (s.bad != null) {
                continue; // lengths still count; the first problem is known
            }
            runCount++;
            if (badCol != null && (runCol == null || badCol.compareTo(runCol) < 0
                    || (badCol.equals(runCol) && badText.compareTo(runText) < 0))) {
                runCol = badCol;
                runText = badText;
            }
        }
        if (open && !seq.isNull()) {
            s.counts.merge(seq.string(), seqCount, Long::sum);
        }
        if (s.bad == null && open) {
            s.bad = problem(seq.string(), runPosNull ? null : runPos, runCol, runText, runCount);
        }
        return List.of(s).iterator();
    }

    private static Found problem(String seq, Long pos, String col, String text, long count) {
        if (col != null) {
            return new Found(seq, pos, 0, 0, col, text);
        }
        if (count > 1) {
            return new Found(seq, pos, 0, 0, "pos", "duplicate position: " + count + " rows have this (seq, pos)");
        }
        return null;
    }

    /** (seq, pos) order as Spark sorts: nulls first, long sequence keys numerically, strings by UTF-8 bytes. */
    static int compare(Found a, Found b, boolean longSeq) {
        int c = compareSeq(a.seq, b.seq, longSeq);
        if (c != 0) {
            return c;
        }
        if (a.pos == null || b.pos == null) {
            return a.pos == null ? (b.pos == null ? 0 : -1) : 1;
        }
        return Long.compare(a.pos, b.pos);
    }

    private static int compareSeq(String a, String b, boolean longSeq) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return longSeq ? Long.compare(Long.parseLong(a), Long.parseLong(b))
                : UTF8String.fromString(a).compareTo(UTF8String.fromString(b));
    }

    /** The earlier of two finds in (seq, pos) order (null-safe). */
    static Found earlier(Found a, Found b, boolean longSeq) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return compare(b, a, longSeq) < 0 ? b : a;
    }

    /** The find with the smaller length (sign 1) or larger (sign −1), ties by (seq, pos). */
    static Found extreme(Found a, Found b, int sign, boolean longSeq) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int c = Integer.compare(sign * a.len, sign * b.len);
        if (c != 0) {
            return c < 0 ? a : b;
        }
        return earlier(a, b, longSeq);
    }

    /** Combines the partitions' summaries into one (driver). */
    static Summary combine(List<Summary> parts, boolean longSeq) {
        Summary all = new Summary();
        for (Summary s : parts) {
            all.rows += s.rows;
            s.counts.forEach((k, v) -> all.counts.merge(k, v, Long::sum));
            all.bad = earlier(all.bad, s.bad, longSeq);
            all.first = earlier(all.first, s.first, longSeq);
            all.qlo = extreme(all.qlo, s.qlo, 1, longSeq);
            all.qhi = extreme(all.qhi, s.qhi, -1, longSeq);
            all.vlo = extreme(all.vlo, s.vlo, 1, longSeq);
            all.vhi = extreme(all.vhi, s.vhi, -1, longSeq);
            all.clamped += s.clamped;
            if (s.lo != null) {
                if (all.lo == null) {
                    all.lo = s.lo.clone();
                    all.hi = s.hi.clone();
                } else if (all.lo.length == s.lo.length) {
                    for (int m = 0; m < s.lo.length; m++) {
                        all.lo[m] = Math.min(all.lo[m], s.lo[m]);
                        all.hi[m] = Math.max(all.hi[m], s.hi[m]);
                    }
                }
            }
        }
        return all;
    }
}
