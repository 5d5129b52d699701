package io.zetaspark.job.cli;

import io.zetaspark.job.cli.SparkSessions;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.job.data.TextTokens;
import io.zetaspark.job.io.AtomicOutput;
import io.zetaspark.job.io.DataFormat;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zeta generate}: seeded synthetic sequences, written in parallel and atomically. */
@Command(name = "generate", description = {
    "Write seeded synthetic sequences (seq, pos, q, k, v). Every token is a pure function of (seed, sequence, "
            + "position), so any partition count writes the same rows.",
    "Kinds: gaussian (normal q, k, v), clustered (q, k near 32 centres), ties (text-like: Zipf words with shared "
            + "vectors, many exact ties), mix (gaussian; half the tokens in one long sequence, the rest in "
            + "sequences of 100..2000 tokens; --sequences is ignored), text (real data: War and Peace through GloVe "
            + "vectors, one sequence of 517,916 tokens, q = k = a seeded projection to d dimensions, v the 25-d "
            + "word vector; --tokens caps it, --seed is the projection seed, --sequences and --dv are ignored; "
            + "needs --data-dir)."},
        usageHelpAutoWidth = true, sortOptions = false)
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output directory.")
    String output;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "1000000",
            description = "Total tokens. Default: ${DEFAULT-VALUE}.")
    long tokens;

    @Option(names = "--sequences", paramLabel = "S", defaultValue = "1",
            description = "Sequences, tokens split as evenly as possible (not for mix). Default: ${DEFAULT-VALUE}.")
    long sequences;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "gaussian",
            description = "gaussian, clustered, ties, mix or text. Default: ${DEFAULT-VALUE}.")
    String kind;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Real data for --kind text (war-and-peace.txt, glove-twitter-25d-top12k.txt). Default: "
                    + "-Dzeta.data.dir, $ZETA_DATA_DIR, else the first shared/data found walking up from the working "
                    + "directory (../shared/data beside a checkout).")
    String dataDir;

    @Option(names = "--d", paramLabel = "D", defaultValue = "3", description = "Length of q and k (1..8). Default: ${DEFAULT-VALUE}.")
    int d;

    @Option(names = "--dv", paramLabel = "DV", defaultValue = "64", description = "Length of v. Default: ${DEFAULT-VALUE}.")
    int dv;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Data seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1",
            description = "Position step within a sequence (> 1 leaves gaps). Default: ${DEFAULT-VALUE}.")
    long stride;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Partitions (and output files); 0 = Spark's default parallelism. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "parquet",
            description = "parquet, json or csv. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--overwrite", description = "Replace an existing output (only once the new one is complete).")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (kind.trim().equalsIgnoreCase("text")) {
            return text();
        }
        SyntheticTokens gen = SyntheticTokens.of(tokens).withSequences(sequences).withKind(SyntheticTokens.Kind.parse(kind))
                .withD(d).withDv(dv).withSeed(seed).withStride(stride);
        DataFormat fmt = DataFormat.parse(format);
        long[] layout = gen.layout();
        long longest = 0;
        for (int i = 0; i + 1 < layout.length; i++) {
            longest = Math.max(longest, layout[i + 1] - layout[i]);
        }
        try (SparkSessions.Handle h = SparkSessions.open("zeta-spark generate", sparkOptions)) {
            AtomicOutput.checkTarget(h.spark(), output, overwrite);
            long t0 = System.nanoTime();
            Dataset<Row> df = gen.generate(h.spark(), partitions);
            AtomicOutput.write(df, output, fmt, overwrite);
            double secs = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "zeta generate: %d tokens in %d sequences (longest %d), kind %s, d=%d dv=%d, %.2f s, %.0f tokens/s; "
                            + "wrote %s to %s",
                    tokens, layout.length - 1, longest, gen.kind().name().toLowerCase(Locale.ROOT), d, dv, secs,
                    tokens / secs, fmt.sparkName(), output));
        }
        return 0;
    }

    private Integer text() {
        Path dir = TextTokens.dataDir(dataDir);
        if (tokens > Integer.MAX_VALUE || tokens < 1) {
            throw new IllegalArgumentException("--tokens must be in 1.." + Integer.MAX_VALUE + " for text, got " + tokens);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        }
        DataFormat fmt = DataFormat.parse(format);
        try (SparkSessions.Handle h = SparkSessions.open("zeta-spark generate", sparkOptions)) {
            AtomicOutput.checkTarget(h.spark(), output, overwrite);
            long t0 = System.nanoTime();
            Dataset<Row> df = TextTokens.generate(h.spark(), dir, d, (int) tokens, seed, stride, partitions).cache();
            AtomicOutput.write(df, output, fmt, overwrite);
            long n = df.count();
            df.unpersist();
            double secs = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "zeta generate: %d tokens in 1 sequences (longest %d), kind text from %s, d=%d dv=%d, %.2f s, "
                            + "%.0f tokens/s; wrote %s to %s",
                    n, n, dir, d, io.zetaspark.kernels.TextSequenceLoader.VECTOR_DIM, secs, n / secs, fmt.sparkName(),
                    output));
        }
        return 0;
    }
}
