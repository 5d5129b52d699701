package io.zetaspark.job;

import io.zetaspark.kernels.ZetaParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The distributed plan of the operator (DESIGN.md §2). STUB: being written; signature is stable.
 */
public final class ZetaPlan {
    private ZetaPlan() {
    }

    /**
     * Runs the operator over a validated input (columns named by {@code cols}: seq string or long,
     * pos long, q/k array&lt;float&gt; of length d, v array&lt;float&gt; of length dv). Returns
     * {@code seq, pos, out[, nbr_pos][, nbr_w][, nn_dist]}. Small driver-side jobs may run (halo
     * exchange); the returned Dataset is otherwise lazy.
     */
    public static Dataset<Row> transform(Dataset<Row> input, ZetaParams params, ZetaColumns cols) {
        throw new UnsupportedOperationException("ZetaPlan.transform is being written");
    }
}
