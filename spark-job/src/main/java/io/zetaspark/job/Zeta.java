package io.zetaspark.job;

import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.job.plan.PlanResources;
import io.zetaspark.job.plan.ZetaEvaluation;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import java.util.Collections;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One-call entry points: validate the input ({@link InputValidator}, one action) and run
 * {@link ZetaPlan#transform}. Input columns {@code seq, pos, q, k, v} unless named otherwise.
 */
public final class Zeta {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Zeta.class);

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
                    cols.outputSchema(validated.dataset().schema()));
        }
        if (validated.clampedComponents() > 0) {
            LOG.warn("{} components of q and k lie outside the quantiser range {} and are clamped to the grid's edge "
                    + "(their codes lose resolution); {}. Widen the range (ZetaParams.withRange, or withRangeCovering "
                    + "of the observed range; CLI --range auto)", validated.clampedComponents(), java.util.Arrays.toString(params.rangeLoArray()) + ".." + java.util.Arrays.toString(params.rangeHiArray()),
                    validated.describeRange());
        }
        return ZetaPlan.transform(validated, params, cols);
    }

    /**
     * Frees the caches and broadcasts that the plan of {@code result} created (the distributed plan's
     * cached per-site state, exact mode's chunk totals, the sequences' plans and count broadcasts),
     * once the result has been written or collected; a later action on {@code result}
     * recomputes them. Returns how many were freed (0 for a result that holds none, or was released
     * already). The CLI calls it after every write; a notebook that calls the operator repeatedly
     * should too.
     */
    public static int release(Dataset<Row> result) {
        return PlanResources.release(result);
    }

    /**
     * How approximate {@code output} is: recall@k (ties counted as correct) and the relative L2
     * error of {@code out} on {@code sample} seeded queries, against a distributed brute force over
     * every key of each sampled query's sequence ({@link ZetaEvaluation}). {@code output} is the
     * operator's result on {@code input} with {@code params}, holding the {@code out} and
     * {@code nbr_pos} columns named by {@code cols}.
     */
    public static RecallEvaluator evaluate(Dataset<Row> input, Dataset<Row> output, ZetaParams params,
                                           ZetaColumns cols, int sample, long seed) {
        return ZetaEvaluation.evaluate(input, output, params, cols, sample, seed);
    }
}
