package io.zetaspark.job.cli;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.AtomicOutput;
import io.zetaspark.job.io.DataFormat;
import io.zetaspark.job.io.InputFiles;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import io.zetaspark.kernels.gpu.EngineChoice;
import io.zetaspark.kernels.gpu.EngineDecision;
import io.zetaspark.job.report.OutputHistograms;
import io.zetaspark.job.report.Phases;
import io.zetaspark.job.report.RunChecks;
import io.zetaspark.job.report.RunReport;
import io.zetaspark.job.report.StageMetrics;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zeta run}: read, validate, transform, write atomically, print a one-line summary. */
@Command(name = "run", description = "Run ZETA attention over an input table and write the result atomically.",
        usageHelpAutoWidth = true, sortOptions = false)
public final class RunCommand implements Callable<Integer> {
    /** Queries evaluated for a report when --evaluate is not given. */
    static final int REPORT_SAMPLE = 500;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Input table with columns seq, pos, q, k, v (see --*-col).")
    String input;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "parquet",
            description = "Input format: parquet, json or csv (csv: header row, arrays as ';'-separated numbers). "
                    + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--output", required = true, paramLabel = "PATH",
            description = "Output directory; written to a temporary sibling and renamed into place when complete.")
    String output;

    @Option(names = "--output-format", paramLabel = "FMT",
            description = "Output format: parquet, json or csv (csv: arrays as ';'-separated numbers). Default: --format.")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace an existing output (only once the new one is complete).")
    boolean overwrite;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "Window-stage engine: auto (the CUDA kernel where a GPU works, else the CPU), cpu, or gpu "
                    + "(fails with the reason when no GPU is usable). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--evaluate", paramLabel = "N",
            description = "After writing, evaluate N seeded sample queries against the exact oracle and report "
                    + "recall@k and the output error (needs the nbr_pos column). 0: no evaluation. Default: 0, or "
                    + REPORT_SAMPLE + " with --report.")
    Integer evaluate;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a self-contained HTML run report to FILE (on the driver's file system): health "
                    + "checks, sampled recall, per-phase and per-stage timings with shuffle metrics, selected keys per "
                    + "query, distance and weight histograms. Replaced only with --overwrite. Open it in any browser.")
    String report;

    @Option(names = "--sample-seed", paramLabel = "S", defaultValue = "1",
            description = "Seed that picks the evaluated queries. Default: ${DEFAULT-VALUE}.")
    long sampleSeed;

    @Mixin
    OperatorOptions operator;

    @Mixin
    SparkOptions sparkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        EngineChoice engine = EngineChoice.parse(device);
        DataFormat inFormat = DataFormat.parse(format);
        DataFormat outFormat = outputFormat == null ? inFormat : DataFormat.parse(outputFormat);
        ZetaParams params = operator.toParams();
        ZetaColumns cols = operator.toColumns();
        boolean auto = operator.autoRange();
        int evaluate = this.evaluate != null ? this.evaluate : report != null ? REPORT_SAMPLE : 0;
        if (evaluate < 0) {
            throw new IllegalArgumentException("--evaluate must be >= 0, got " + evaluate);
        }
        if (evaluate > 0 && cols.nbrPos().isEmpty()) {
            throw new IllegalArgumentException("--evaluate needs the nbr_pos output column (--nbr-pos-col is empty)");
        }
        try (SparkSessions.Handle h = SparkSessions.open("zeta-spark run", sparkOptions)) {
            AtomicOutput.checkTarget(h.spark(), output, overwrite); // before any job
            Path reportPath = report == null ? null : Paths.get(report);
            if (reportPath != null) {
                RunReport.checkTarget(reportPath, overwrite);
            }
            SparkContext sc = h.spark().sparkContext();
            StageMetrics metrics = new StageMetrics();
            if (reportPath != null) {
                sc.addSparkListener(metrics);
            }
            Phases phases = new Phases(sc);
            String engineNote = engine.toString();
            if (h.spark().sparkContext().isLocal()) {
                // local executors share this JVM: decide here (gpu without a usable GPU throws with
                // the reason) before any job
                EngineDecision decision = engine.decide();
                engineNote = decision.engine() + " (" + decision.reason() + ")";
            }
            h.spark().conf().set(ZetaPlan.DEVICE_CONF, engine.toString());
            long t0 = System.nanoTime();
            phases.start("validate");
            Dataset<Row> raw = InputFiles.read(h.spark(), input, inFormat, cols);
            ValidatedInput in = InputValidator.validate(raw, cols, params);
            if (in.isEmpty()) {
                throw new IllegalArgumentException("input " + input + " has no rows");
            }
            if (auto) {
                params = OperatorOptions.autoRange(params, in, spec.commandLine().getErr(), "zeta run");
            }
            spec.commandLine().getErr().println("zeta run: input " + in + "; window engine: " + engineNote + "; " + params);
            phases.start("attention + write");
            Dataset<Row> planned = Zeta.attention(in, params, cols);
            Dataset<Row> result = planned;
            if (evaluate > 0 || reportPath != null) {
                // the evaluation and the report read the result again: keep it instead of recomputing the plan
                result = result.persist(StorageLevel.MEMORY_AND_DISK());
            }
            AtomicOutput.write(result, output, outFormat, overwrite);
            double secs = (System.nanoTime() - t0) / 1e9;
            String summary = String.format(Locale.ROOT, "zeta run: %d tokens, %d sequences, %.2f s, %.0f tokens/s",
                    in.rows(), in.sequences(), secs, in.rows() / secs);
            RecallEvaluator ev = null;
            if (evaluate > 0) {
                long t1 = System.nanoTime();
                phases.start("evaluate");
                ev = Zeta.evaluate(in.dataset(), result, params, cols, evaluate, sampleSeed);
                summary += String.format(Locale.ROOT, "; %s (evaluation %.2f s)", EvaluateCommand.describe(ev, params),
                        (System.nanoTime() - t1) / 1e9);
            }
            // an auto range covers every observed value (checked by withRangeCovering)
            summary += "; " + in.describeRange(auto ? 0 : in.clampedComponents());
            if (reportPath != null) {
                phases.start("report histograms");
                OutputHistograms hist = OutputHistograms.of(result, cols, params.k(), params.meanSlot(), 24);
                phases.end();
                StageMetrics.drain(sc);
                sc.removeSparkListener(metrics);
                RunReport r = new RunReport()
                        .fact("input", input + " (" + inFormat.sparkName() + ")")
                        .fact("output", output + " (" + outFormat.sparkName() + ")")
                        .fact("tokens", String.format(Locale.ROOT, "%,d in %,d sequences (longest %,d); d = %d, dv = %d",
                                in.rows(), in.sequences(), in.maxSequenceLength(), in.d(), in.dv()))
                        .fact("time", String.format(Locale.ROOT, "%.2f s to the committed output, %,.0f tokens/s", secs,
                                in.rows() / secs))
                        .fact("parameters", params.toString())
                        .fact("window engine", engineNote)
                        .fact("quantiser range", in.describeRange(auto ? 0 : in.clampedComponents()))
                        .fact("Spark", h.spark().version() + ", master " + sc.master() + ", default parallelism "
                                + sc.defaultParallelism())
                        .fact("written", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString())
                        .params(params, in.rows())
                        .stages(metrics.since(0))
                        .recall(ev)
                        .histograms(hist);
                phases.into(r);
                RunChecks.add(r, params, in, ev, hist, auto);
                r.write(reportPath, overwrite);
                summary += "; report " + reportPath;
            }
            result.unpersist();
            Zeta.release(planned);
            spec.commandLine().getOut().println(summary + "; wrote " + outFormat.sparkName() + " to " + output);
        }
        return 0;
    }
}
