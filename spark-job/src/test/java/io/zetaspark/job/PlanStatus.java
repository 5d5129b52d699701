package io.zetaspark.job;

import io.zetaspark.kernels.ZetaParams;

/**
 * Whether {@link ZetaPlan#transform} is implemented yet. Tests of the whole path (transform
 * output, CLI run, cluster vs local) check the real output when it is, and check the failure path
 * (nothing written) while it is still the stub.
 */
final class PlanStatus {
    private static Boolean ready;

    private PlanStatus() {
    }

    static synchronized boolean ready() {
        if (ready == null) {
            try {
                ZetaPlan.transform(Fixtures.frame(Fixtures.goodRows()), ZetaParams.defaults(), ZetaColumns.defaults())
                        .count();
                ready = true;
            } catch (UnsupportedOperationException e) {
                ready = false;
            }
        }
        return ready;
    }
}
