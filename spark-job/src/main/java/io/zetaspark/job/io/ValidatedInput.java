package io.zetaspark.job.io;

import io.zetaspark.job.plan.rows.RoutedRows;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The result of {@link InputValidator#validate}: the input with its columns cast to the canonical
 * types (seq string or long, pos long, q/k/v array&lt;float&gt;) and what the validation job
 * learned about it. d and dv are 0 for an empty input.
 */
public final class ValidatedInput {
    private final Dataset<Row> dataset;
    private final int d;
    private final int dv;
    private final long rows;
    private final long sequences;
    private final long maxSequenceLength;
    private final Routed routed;
    private final float[] lo;
    private final float[] hi;
    private final long clamped;

    ValidatedInput(Dataset<Row> dataset, int d, int dv, long rows, long sequences, long maxSequenceLength) {
        this(dataset, d, dv, rows, sequences, maxSequenceLength, null, new float[0], new float[0], 0);
    }

    ValidatedInput(Dataset<Row> dataset, int d, int dv, long rows, long sequences, long maxSequenceLength,
                   Routed routed, float[] lo, float[] hi, long clamped) {
        this.routed = routed;
        this.lo = lo.clone();
        this.hi = hi.clone();
        this.clamped = clamped;
        this.dataset = dataset;
        this.d = d;
        this.dv = dv;
        this.rows = rows;
        this.sequences = sequences;
        this.maxSequenceLength = maxSequenceLength;
    }

    /** The input, columns cast to the canonical types; still lazy. */
    public Dataset<Row> dataset() {
        return dataset;
    }

    /** Length of q and k (1..8). */
    public int d() {
        return d;
    }

    /** Length of v (≥ 1). */
    public int dv() {
        return dv;
    }

    /** Number of tokens. */
    public long rows() {
        return rows;
    }

    /** Number of distinct sequences. */
    public long sequences() {
        return sequences;
    }

    /** Tokens in the longest sequence. */
    public long maxSequenceLength() {
        return maxSequenceLength;
    }

    /** Per dimension, the smallest component of q and k in the input (empty for an empty input). */
    public float[] observedMin() {
        return lo.clone();
    }

    /** Per dimension, the largest component of q and k in the input (empty for an empty input). */
    public float[] observedMax() {
        return hi.clone();
    }

    /**
     * Components of q and k outside the quantiser range of the parameters the input was validated
     * with: the plan clamps them to the grid's edge (their codes lose resolution, the selection
     * stays exact in its rules). The in-memory engine reports the same count as
     * {@code Selection.clampedComponents}. 0 when validated without parameters.
     */
    public long clampedComponents() {
        return clamped;
    }

    /**
     * The observed range and clamp count in words, for run summaries:
     * {@code "q,k range [-3.1, 2.9] x [...]; 12 components clamped"}.
     */
    public String describeRange() {
        return describeRange(clamped);
    }

    /** {@link #describeRange()} with the clamp count of another range (0 for one that covers the observed values). */
    public String describeRange(long clampedComponents) {
        long clamped = clampedComponents;
        StringBuilder b = new StringBuilder("q,k observed range");
        for (int m = 0; m < lo.length; m++) {
            b.append(m == 0 ? " " : " x ").append(String.format(Locale.ROOT, "[%s, %s]", lo[m], hi[m]));
        }
        return b.append("; ").append(clamped).append(clamped == 1 ? " component" : " components")
                .append(" outside the quantiser range (clamped)").toString();
    }

    /** The validation pass's shuffle output, which the plan reuses (null for an empty input). */
    public Routed routed() {
        return routed;
    }

    /**
     * The rows as the validation pass left them: whole sequences of at most {@code limit} tokens per
     * partition (long ones spread by position blocks), sorted by (seq, queryFrom, pos), validated, as
     * Spark's rows in the layout of {@link RoutedRows}. Running jobs on this same RDD reuses its
     * shuffle files instead of reading and shuffling the input again.
     */
    public static final class Routed {
        public final JavaRDD<InternalRow> sorted;
        /** Whether seq is a long column (else a string one). */
        public final boolean longSeq;
        public final List<String> large;
        /** The in-task limit the rows were routed for; the plan reroutes when its own limit differs. */
        public final long limit;
        /** Tokens per sequence, counted by the validation pass. */
        public final java.util.Map<String, Long> counts;
        /** Per sequence spread by position blocks: (blo, blen, boff), see {@code SequenceRoutes#blocks}. */
        public final java.util.Map<String, long[]> blocks;
        /**
         * The chunk size the blocks and split parts are aligned to (the distributed plan needs whole
         * chunks per partition); 0 when every sequence is whole in one partition.
         */
        public final long chunkSize;

        Routed(JavaRDD<InternalRow> sorted, boolean longSeq, List<String> large, long limit,
               java.util.Map<String, Long> counts, java.util.Map<String, long[]> blocks, long chunkSize) {
            this.counts = counts;
            this.blocks = blocks;
            this.chunkSize = chunkSize;
            this.sorted = sorted;
            this.longSeq = longSeq;
            this.large = large;
            this.limit = limit;
        }
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d tokens in %d sequences (longest %d), d=%d, dv=%d",
                rows, sequences, maxSequenceLength, d, dv);
    }
}
