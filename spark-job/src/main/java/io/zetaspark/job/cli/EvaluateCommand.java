package io.zetaspark.job.cli;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.cli.SparkSessions;
import io.zetaspark.job.io.DataFormat;
import io.zetaspark.job.io.InputFiles;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zeta evaluate}: how approximate the operator is on an input, measured on the cluster by
 * {@code Zeta.evaluate} (a seeded sample of queries against the exact oracle). Writes nothing.
 */
@Command(name = "evaluate", description = "Run the operator on an input and report recall@k and the output error "
        + "of a seeded sample of queries against the exact oracle. Writes nothing.",
        usageHelpAutoWidth = true, sortOptions = false)
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input table (seq, pos, q, k, v).")
    String input;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "parquet",
            description = "Input format: parquet, json or csv. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "1000",
            description = "Queries to evaluate. Default: ${DEFAULT-VALUE}.")
    int sample;

    @Option(names = "--sample-seed", paramLabel = "S", defaultValue = "1",
            description = "Seed that picks the queries. Default: ${DEFAULT-VALUE}.")
    long sampleSeed;

    @Mixin
    OperatorOptions operator;

    @Mixin
    SparkOptions sparkOptions;

    @Spec
    CommandSpec spec;

    /** One line: recall@k, per-query minimum, fully correct share and the output error. */
    static String describe(RecallEvaluator ev, ZetaParams params) {
        return ev.describe(params.k());
    }

    @Override
    public Integer call() {
        if (sample < 1) {
            throw new IllegalArgumentException("--sample must be >= 1, got " + sample);
        }
        ZetaParams params = operator.toParams();
        ZetaColumns cols = operator.toColumns();
        boolean auto = operator.autoRange();
        if (cols.nbrPos().isEmpty()) {
            throw new IllegalArgumentException("evaluation needs the nbr_pos output column (--nbr-pos-col is empty)");
        }
        try (SparkSessions.Handle h = SparkSessions.open("zeta-spark evaluate", sparkOptions)) {
            long t0 = System.nanoTime();
            ValidatedInput in = InputValidator.validate(InputFiles.read(h.spark(), input, DataFormat.parse(format), cols),
                    cols, params);
            if (in.isEmpty()) {
                throw new IllegalArgumentException("input " + input + " has no rows");
            }
            if (auto) {
                params = OperatorOptions.autoRange(params, in, spec.commandLine().getErr(), "zeta evaluate");
            }
            spec.commandLine().getErr().println("zeta evaluate: input " + in + "; " + params + "; "
                    + in.describeRange(auto ? 0 : in.clampedComponents()));
            Dataset<Row> result = Zeta.attention(in, params, cols);
            RecallEvaluator ev = Zeta.evaluate(in.dataset(), result, params, cols, sample, sampleSeed);
            Zeta.release(result);
            spec.commandLine().getOut().println(String.format(Locale.ROOT, "zeta evaluate: %d tokens, %d sequences; %s; %.2f s",
                    in.rows(), in.sequences(), describe(ev, params), (System.nanoTime() - t0) / 1e9));
        }
        return 0;
    }
}
