package io.zetaspark.job.report;

import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import java.util.Locale;

/**
 * The health checks at the top of a run report, each from a measured figure: sampled recall, the
 * quantiser's clamping, queries that got fewer than k keys, and queries whose nearest distance is
 * infinite. A check that fails says "check", not "error": the run itself succeeded.
 */
public final class RunChecks {
    /** Recall@k below this on the sample is flagged. */
    public static final double RECALL_FLOOR = 0.90;

    private RunChecks() {
    }

    public static void add(RunReport r, ZetaParams params, ValidatedInput in, RecallEvaluator ev,
                           OutputHistograms h, boolean autoRange) {
        int k = params.k();
        if (ev != null) {
            r.check(String.format(Locale.ROOT, "sampled recall@%d ≥ %.2f", k, RECALL_FLOOR), ev.recall() >= RECALL_FLOOR,
                    String.format(Locale.ROOT, "%.4f over %,d queries", ev.recall(), ev.queries()));
        }
        long clamped = autoRange ? 0 : in.clampedComponents();
        r.check("no q/k component outside the quantiser range", clamped == 0,
                String.format(Locale.ROOT, "%,d clamped components (%s)", clamped, in.describeRange(clamped)));
        if (h.selected != null) {
            long fewer = 0;
            for (int c = 0; c < k; c++) {
                fewer += h.selected[c];
            }
            // only a sequence's first tokens have fewer than k eligible keys (k + 1 without self)
            long expected = in.sequences() * (k + (params.includeSelf() ? 0 : 1));
            r.check(String.format(Locale.ROOT, "fewer than %d keys only where fewer are eligible", k),
                    !params.causal() || fewer <= expected,
                    String.format(Locale.ROOT, "%,d queries with fewer than %d keys; at most %,d expected (the first "
                            + "tokens of %,d sequences)", fewer, k, expected, in.sequences()));
        }
        if (h.nnDist != null && h.selected != null) {
            r.check("nn_dist finite whenever a key was selected", h.nnDist.excluded == h.selected[0],
                    String.format(Locale.ROOT, "%,d infinite nn_dist, %,d queries with no key", h.nnDist.excluded,
                            h.selected[0]));
        }
    }
}
