package io.zetaspark.job;

import io.zetaspark.job.rows.TokenRow;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

    ValidatedInput(Dataset<Row> dataset, int d, int dv, long rows, long sequences, long maxSequenceLength) {
        this(dataset, d, dv, rows, sequences, maxSequenceLength, null);
    }

    ValidatedInput(Dataset<Row> dataset, int d, int dv, long rows, long sequences, long maxSequenceLength,
                   Routed routed) {
        this.routed = routed;
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

    /** The validation pass's shuffle output, which the plan reuses (null for an empty input). */
    Routed routed() {
        return routed;
    }

    /**
     * The rows as the validation pass left them: whole sequences of at most {@code limit} tokens per
     * partition (long ones spread by position blocks), sorted by (seq, pos), validated. Running jobs
     * on this same RDD reuses its shuffle files instead of reading and shuffling the input again.
     */
    static final class Routed {
        final JavaRDD<? extends TokenRow> sorted;
        final List<String> large;
        /** The in-task limit the rows were routed for; the plan reroutes when its own limit differs. */
        final long limit;
        /** Tokens per sequence, counted by the validation pass. */
        final java.util.Map<String, Long> counts;

        Routed(JavaRDD<? extends TokenRow> sorted, List<String> large, long limit, java.util.Map<String, Long> counts) {
            this.counts = counts;
            this.sorted = sorted;
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
