package io.zetaspark.job;

import io.zetaspark.kernels.ZetaParams;
import java.util.Collections;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One-call entry points: validate the input ({@link InputValidator}, one action) and run
 * {@link ZetaPlan#transform}. Input columns {@code seq, pos, q, k, v} unless named otherwise.
 */
public final class Zeta {
    private Zeta() {
    }

    /** ZETA attention with default parameters and column names. */
    public static Dataset<Row> attention(Dataset<Row> input) {
        return attention(input, ZetaParams.defaults(), ZetaColumns.defaults());
    }

    public static Dataset<Row> attention(Dataset<Row> input, ZetaParams params) {
        return attention(input, params, ZetaColumns.defaults());
    }

    public static Dataset<Row> attention(Dataset<Row> input, ZetaParams params, ZetaColumns cols) {
        return attention(InputValidator.validate(input, cols, params), params, cols);
    }

    /** Runs the plan on an input that {@link InputValidator} has already checked. */
    public static Dataset<Row> attention(ValidatedInput validated, ZetaParams params, ZetaColumns cols) {
        if (validated.isEmpty()) {
            return validated.dataset().sparkSession().createDataFrame(Collections.<Row>emptyList(),
                    ZetaAttentionTransformer.outputSchema(validated.dataset().schema(), cols));
        }
        return ZetaPlan.transform(validated, params, cols);
    }

    /**
     * Frees the caches and broadcasts that the plan of {@code result} created (cached window rows
     * and chunk totals of the distributed plan, halo and count broadcasts), once the result has been
     * written or collected; a later action on {@code result} recomputes them. Returns how many were
     * freed (0 for a result that holds none, or was released already). The CLI calls it after every
     * write; a notebook that calls the operator repeatedly should too.
     */
    public static int release(Dataset<Row> result) {
        return PlanResources.release(result);
    }
}
