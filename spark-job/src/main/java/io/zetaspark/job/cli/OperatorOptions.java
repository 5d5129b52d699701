package io.zetaspark.job.cli;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.job.ml.ZetaAttentionTransformer;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.ZetaParams;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Every operator parameter ({@link ZetaParams}) and column name as a command-line option. */
public final class OperatorOptions {
    @Option(names = "--k", paramLabel = "N", defaultValue = "" + ZetaParams.DEFAULT_K,
            description = "Keys selected per query (1..4096). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--curves", paramLabel = "C", defaultValue = "" + ZetaParams.DEFAULT_CURVES,
            description = "Shifted Z-order curves (1..16). Default: ${DEFAULT-VALUE}.")
    int curves;

    @Option(names = "--window", paramLabel = "W", defaultValue = "" + ZetaParams.DEFAULT_WINDOW,
            description = "Window: W/2 earlier-chunk keys on each side of the query per curve (even). Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--chunk-size", paramLabel = "M", defaultValue = "" + ZetaParams.DEFAULT_CHUNK,
            description = "Chunk size in positions; the query's own chunk is scored exactly. Default: ${DEFAULT-VALUE}.")
    int chunkSize;

    @Option(names = "--bits", paramLabel = "B", defaultValue = "0",
            description = "Morton bits per dimension; 0 = floor(63/d). Default: ${DEFAULT-VALUE}.")
    int bits;

    @Option(names = "--range-lo", paramLabel = "X", split = ",", defaultValue = "" + ZetaParams.DEFAULT_RANGE_LO,
            description = "Quantiser lower bound: one value for all dimensions or one per dimension. Default: ${DEFAULT-VALUE}.")
    double[] rangeLo;

    @Option(names = "--range-hi", paramLabel = "X", split = ",", defaultValue = "" + ZetaParams.DEFAULT_RANGE_HI,
            description = "Quantiser upper bound: one value for all dimensions or one per dimension. Default: ${DEFAULT-VALUE}.")
    double[] rangeHi;

    @Option(names = "--range", paramLabel = "auto",
            description = "auto: take the quantiser range per dimension from the keys and queries of the input (the "
                    + "validation pass), rounded outward so that nothing is clamped, and print it. An auto range is "
                    + "prefix-stable only for a fixed input (appending tokens can change it, and every code with it): "
                    + "pin the printed --range-lo/--range-hi for runs that must agree. Not with --range-lo/--range-hi.")
    String range;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--gamma", paramLabel = "G", defaultValue = "" + ZetaParams.DEFAULT_GAMMA,
            description = "Gamma of the Cauchy kernel 1/(dist^2 + gamma^2). Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--tau", paramLabel = "T", defaultValue = "" + ZetaParams.DEFAULT_TAU,
            description = "Temperature of the softmax kernel. Default: ${DEFAULT-VALUE}.")
    double tau;

    @Option(names = "--kernel", paramLabel = "NAME", defaultValue = "cauchy",
            description = "Weight kernel: cauchy, softmax or inverse. Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(names = "--mean-slot", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Add the running mean of the eligible keys/values as one more slot. Default: ${DEFAULT-VALUE}.")
    boolean meanSlot;

    @Option(names = "--include-self", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "A query may select its own key. Default: ${DEFAULT-VALUE}.")
    boolean includeSelf;

    @Option(names = "--causal", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Causal (keys at pos <= p) or bidirectional (--no-causal). Default: ${DEFAULT-VALUE}.")
    boolean causal;

    @Option(names = "--exact", defaultValue = "false",
            description = "Select the exact top-k by brute force (the oracle). Default: ${DEFAULT-VALUE}.")
    boolean exact;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + ZetaParams.DEFAULT_SEED,
            description = "Seed of the curve shifts. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--seq-col", paramLabel = "NAME", defaultValue = "seq",
            description = "Input sequence id column (string or long). Default: ${DEFAULT-VALUE}.")
    String seqCol;

    @Option(names = "--pos-col", paramLabel = "NAME", defaultValue = "pos",
            description = "Input position column (long). Default: ${DEFAULT-VALUE}.")
    String posCol;

    @Option(names = "--q-col", paramLabel = "NAME", defaultValue = "q",
            description = "Input query column (array<float>, length d). Default: ${DEFAULT-VALUE}.")
    String qCol;

    @Option(names = "--k-col", paramLabel = "NAME", defaultValue = "k",
            description = "Input key column (array<float>, length d). Default: ${DEFAULT-VALUE}.")
    String kCol;

    @Option(names = "--v-col", paramLabel = "NAME", defaultValue = "v",
            description = "Input value column (array<float>, length dv). Default: ${DEFAULT-VALUE}.")
    String vCol;

    @Option(names = "--out-col", paramLabel = "NAME", defaultValue = "out",
            description = "Output attention column. Default: ${DEFAULT-VALUE}.")
    String outCol;

    @Option(names = "--nbr-pos-col", paramLabel = "NAME", defaultValue = "nbr_pos",
            description = "Output selected key positions; empty (\"\") leaves it out. Default: ${DEFAULT-VALUE}.")
    String nbrPosCol;

    @Option(names = "--nbr-w-col", paramLabel = "NAME", defaultValue = "nbr_w",
            description = "Output neighbour weights; empty (\"\") leaves it out. Default: ${DEFAULT-VALUE}.")
    String nbrWCol;

    @Option(names = "--nn-dist-col", paramLabel = "NAME", defaultValue = "nn_dist",
            description = "Output distance to the nearest selected key; empty (\"\") leaves it out. Default: ${DEFAULT-VALUE}.")
    String nnDistCol;

    /** The validated parameters (errors name the parameter and the value). */
    public ZetaParams toParams() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer();
        t.setK(k).setCurves(curves).setWindow(window).setChunkSize(chunkSize).setBits(bits).setGamma(gamma).setTau(tau)
                .setKernel(KernelType.parse(kernel).name()).setMeanSlot(meanSlot).setIncludeSelf(includeSelf)
                .setCausal(causal).setExact(exact).setSeed(seed);
        t.setRange(rangeLo, rangeHi);
        return t.toZetaParams();
    }

    /** Whether {@code --range auto} was given (the range then comes from {@link #autoRange}). */
    public boolean autoRange() {
        if (range == null) {
            return false;
        }
        if (!"auto".equals(range)) {
            throw new IllegalArgumentException("--range takes only 'auto' (got '" + range
                    + "'); fixed bounds are --range-lo and --range-hi");
        }
        if (mixee != null && mixee.commandLine() != null && mixee.commandLine().getParseResult() != null
                && (mixee.commandLine().getParseResult().hasMatchedOption("--range-lo")
                || mixee.commandLine().getParseResult().hasMatchedOption("--range-hi"))) {
            throw new IllegalArgumentException("--range auto and --range-lo/--range-hi exclude each other");
        }
        return true;
    }

    /**
     * {@code params} with the range of {@code --range auto} taken from the validated input, and the
     * line that says so, naming the options that pin it.
     */
    public static ZetaParams autoRange(ZetaParams params, ValidatedInput in, java.io.PrintWriter err, String command) {
        ZetaParams p = params.withRangeCovering(in.observedMin(), in.observedMax());
        err.println(command + ": range auto: --range-lo " + joined(p.rangeLoArray()) + " --range-hi "
                + joined(p.rangeHiArray()) + " (from this input's q and k; prefix-stable only for a fixed input: "
                + "pass these options to pin it)");
        return p;
    }

    private static String joined(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            b.append(i == 0 ? "" : ",").append(xs[i]);
        }
        return b.toString();
    }

    public ZetaColumns toColumns() {
        return ZetaColumns.defaults().withSeq(seqCol).withPos(posCol).withQ(qCol).withK(kCol).withV(vCol)
                .withOut(outCol).withNbrPos(nbrPosCol).withNbrW(nbrWCol).withNnDist(nnDistCol);
    }
}
