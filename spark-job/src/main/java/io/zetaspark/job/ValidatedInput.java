package io.zetaspark.job;

import java.util.Locale;
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

    ValidatedInput(Dataset<Row> dataset, int d, int dv, long rows, long sequences, long maxSequenceLength) {
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

    public boolean isEmpty() {
        return rows == 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d tokens in %d sequences (longest %d), d=%d, dv=%d",
                rows, sequences, maxSequenceLength, d, dv);
    }
}
