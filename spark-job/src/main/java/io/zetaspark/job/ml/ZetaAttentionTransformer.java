package io.zetaspark.job.ml;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.ZetaParams;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * ZETA attention as a Spark ML {@link Transformer}. Params mirror {@link ZetaParams} (same names,
 * defaults and ranges) plus the column names of {@link ZetaColumns}; an empty name for
 * {@code nbrPosCol}, {@code nbrWCol} or {@code nnDistCol} leaves that output out.
 *
 * <p>Like every Spark ML Transformer, {@link #transform} keeps the input columns (q, k, v and any
 * column the user carries, such as a label or a document id, in their order, with the operator's
 * columns cast to the canonical types) and appends {@code out[, nbr_pos][, nbr_w][, nn_dist]};
 * {@code keepInputVectors = false} drops q, k and v for a narrower result (other input columns
 * stay). An output column that already exists among the kept input columns is an error.
 * {@link #transformSchema} checks the input columns and types without running a job and yields the
 * same schema. {@link #transform} runs {@link InputValidator} (one action over the input), then
 * {@link ZetaPlan#transform}, and joins the result to the input rows on (seq, pos) (validated
 * unique); the result is lazy. Saved and loaded with {@code write()} / {@link #load}, and
 * usable as a {@link org.apache.spark.ml.Pipeline} stage.
 */
public class ZetaAttentionTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;

    private final IntParam k;
    private final IntParam curves;
    private final IntParam window;
    private final IntParam chunkSize;
    private final IntParam bits;
    private final DoubleArrayParam rangeLo;
    private final DoubleArrayParam rangeHi;
    private final DoubleParam gamma;
    private final DoubleParam tau;
    private final Param<String> kernel;
    private final BooleanParam meanSlot;
    private final BooleanParam includeSelf;
    private final BooleanParam causal;
    private final BooleanParam exact;
    private final LongParam seed;
    private final Param<String> seqCol;
    private final Param<String> posCol;
    private final Param<String> qCol;
    private final Param<String> kCol;
    private final Param<String> vCol;
    private final Param<String> outputCol;
    private final Param<String> nbrPosCol;
    private final Param<String> nbrWCol;
    private final Param<String> nnDistCol;
    private final BooleanParam keepInputVectors;

    public ZetaAttentionTransformer() {
        this(Identifiable$.MODULE$.randomUID("zetaAttention"));
    }

    public ZetaAttentionTransformer(String uid) {
        this.uid = uid;
        // ranges mirror ZetaParams' checks; the setters run those checks too for their messages
        k = new IntParam(this, "k", "number of selected keys per query (1..4096)",
                ParamValidators.<Object>inRange(1, 4096));
        curves = new IntParam(this, "curves", "number of shifted Z-order curves (1..16)",
                ParamValidators.<Object>inRange(1, 16));
        window = new IntParam(this, "window",
                "window W: W/2 earlier-chunk keys on each side of the query per curve (even, 2..2^24)",
                check(v -> (Integer) v >= 2 && (Integer) v <= (1 << 24) && (Integer) v % 2 == 0));
        chunkSize = new IntParam(this, "chunkSize", "chunk size M in positions; the own chunk is scored exactly (1..2^20)",
                ParamValidators.<Object>inRange(1, 1 << 20));
        bits = new IntParam(this, "bits", "Morton bits per dimension (0 = floor(63/d))",
                ParamValidators.<Object>inRange(0, 63));
        rangeLo = new DoubleArrayParam(this, "rangeLo",
                "quantiser lower bound: one value for every dimension, or one per dimension",
                check(ZetaAttentionTransformer::finiteBounds));
        rangeHi = new DoubleArrayParam(this, "rangeHi",
                "quantiser upper bound: one value for every dimension, or one per dimension",
                check(ZetaAttentionTransformer::finiteBounds));
        gamma = new DoubleParam(this, "gamma", "gamma of the Cauchy kernel 1/(d^2 + gamma^2) (> 0)",
                check(v -> (Double) v > 0 && Double.isFinite((Double) v)));
        tau = new DoubleParam(this, "tau", "temperature of the softmax kernel (> 0)",
                check(v -> (Double) v > 0 && Double.isFinite((Double) v)));
        kernel = new Param<>(this, "kernel", "weight kernel: cauchy, softmax or inverse",
                ParamValidators.<String>inArray(new String[] {"cauchy", "softmax", "inverse"}));
        meanSlot = new BooleanParam(this, "meanSlot", "add the running mean of eligible keys/values as one more slot");
        includeSelf = new BooleanParam(this, "includeSelf", "a query may select its own key");
        causal = new BooleanParam(this, "causal", "causal (keys at pos <= p) or bidirectional");
        exact = new BooleanParam(this, "exact", "select the exact top-k by brute force");
        seed = new LongParam(this, "seed", "seed of the curve shifts");
        seqCol = column("seqCol", "input sequence id column (string or long)", true);
        posCol = column("posCol", "input position column (long)", true);
        qCol = column("qCol", "input query vector column (array<float>, length d)", true);
        kCol = column("kCol", "input key vector column (array<float>, length d)", true);
        vCol = column("vCol", "input value vector column (array<float>, length dv)", true);
        outputCol = column("outputCol", "output attention column (array<float>, length dv)", true);
        nbrPosCol = column("nbrPosCol", "output selected key positions (array<long>); empty: not produced", false);
        nbrWCol = column("nbrWCol", "output normalised neighbour weights (array<float>); empty: not produced", false);
        nnDistCol = column("nnDistCol", "output distance to the nearest selected key (double); empty: not produced", false);
        keepInputVectors = new BooleanParam(this, "keepInputVectors",
                "keep the q, k and v input columns in the output (false drops them; other input columns are always kept)");

        ZetaParams p = ZetaParams.defaults();
        ZetaColumns c = ZetaColumns.defaults();
        setDefault(k, p.k());
        setDefault(curves, p.curves());
        setDefault(window, p.window());
        setDefault(chunkSize, p.chunkSize());
        setDefault(bits, p.bitsSetting());
        setDefault(rangeLo, p.rangeLoArray());
        setDefault(rangeHi, p.rangeHiArray());
        setDefault(gamma, p.gamma());
        setDefault(tau, p.tau());
        setDefault(kernel, p.kernel().name().toLowerCase(Locale.ROOT));
        setDefault(meanSlot, p.meanSlot());
        setDefault(includeSelf, p.includeSelf());
        setDefault(causal, p.causal());
        setDefault(exact, p.exact());
        setDefault(seed, p.seed());
        setDefault(seqCol, c.seq());
        setDefault(posCol, c.pos());
        setDefault(qCol, c.q());
        setDefault(kCol, c.k());
        setDefault(vCol, c.v());
        setDefault(outputCol, c.out());
        setDefault(nbrPosCol, c.nbrPos());
        setDefault(nbrWCol, c.nbrW());
        setDefault(nnDistCol, c.nnDist());
        setDefault(keepInputVectors, true);
    }

    /** A Scala validator from a Java predicate; serialisable and capturing nothing. */
    private static <T> scala.Function1<T, Object> check(SerializablePredicate<T> p) {
        return new Check<>(p);
    }

    private interface SerializablePredicate<T> extends Predicate<T>, Serializable {
    }

    private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SerializablePredicate<T> p;

        Check(SerializablePredicate<T> p) {
            this.p = p;
        }

        @Override
        public Object apply(T v) {
            return v != null && p.test(v);
        }
    }

    private static boolean finiteBounds(double[] b) {
        if (b.length < 1 || b.length > InputValidator.MAX_D) {
            return false;
        }
        for (double x : b) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    private Param<String> column(String name, String doc, boolean required) {
        return new Param<>(this, name, doc, check(required ? (String s) -> !s.isBlank() : (String s) -> true));
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (public no-argument methods: Spark ML finds params by reflection) ----

    public IntParam k() {
        return k;
    }

    public IntParam curves() {
        return curves;
    }

    public IntParam window() {
        return window;
    }

    public IntParam chunkSize() {
        return chunkSize;
    }

    public IntParam bits() {
        return bits;
    }

    public DoubleArrayParam rangeLo() {
        return rangeLo;
    }

    public DoubleArrayParam rangeHi() {
        return rangeHi;
    }

    public DoubleParam gamma() {
        return gamma;
    }

    public DoubleParam tau() {
        return tau;
    }

    public Param<String> kernel() {
        return kernel;
    }

    public BooleanParam meanSlot() {
        return meanSlot;
    }

    public BooleanParam includeSelf() {
        return includeSelf;
    }

    public BooleanParam causal() {
        return causal;
    }

    public BooleanParam exact() {
        return exact;
    }

    public LongParam seed() {
        return seed;
    }

    public Param<String> seqCol() {
        return seqCol;
    }

    public Param<String> posCol() {
        return posCol;
    }

    public Param<String> qCol() {
        return qCol;
    }

    public Param<String> kCol() {
        return kCol;
    }

    public Param<String> vCol() {
        return vCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> nbrPosCol() {
        return nbrPosCol;
    }

    public Param<String> nbrWCol() {
        return nbrWCol;
    }

    public Param<String> nnDistCol() {
        return nnDistCol;
    }

    public BooleanParam keepInputVectors() {
        return keepInputVectors;
    }

    // ---- setters: validated with ZetaParams' own messages (they name the parameter and the value) ----

    public ZetaAttentionTransformer setK(int value) {
        ZetaParams.defaults().withK(value);
        return (ZetaAttentionTransformer) set(k, value);
    }

    public ZetaAttentionTransformer setCurves(int value) {
        ZetaParams.defaults().withCurves(value);
        return (ZetaAttentionTransformer) set(curves, value);
    }

    public ZetaAttentionTransformer setWindow(int value) {
        ZetaParams.defaults().withWindow(value);
        return (ZetaAttentionTransformer) set(window, value);
    }

    public ZetaAttentionTransformer setChunkSize(int value) {
        ZetaParams.defaults().withChunkSize(value);
        return (ZetaAttentionTransformer) set(chunkSize, value);
    }

    public ZetaAttentionTransformer setBits(int value) {
        ZetaParams.defaults().withBits(value);
        return (ZetaAttentionTransformer) set(bits, value);
    }

    /** The same quantiser range for every dimension. */
    public ZetaAttentionTransformer setRange(double lo, double hi) {
        return setRange(new double[] {lo}, new double[] {hi});
    }

    /**
     * A quantiser range per dimension: arrays of length d, or of length 1 for all dimensions (a
     * one-value bound next to a longer one applies to each of its dimensions).
     */
    public ZetaAttentionTransformer setRange(double[] lo, double[] hi) {
        if (lo.length > InputValidator.MAX_D || hi.length > InputValidator.MAX_D) {
            throw new IllegalArgumentException("range must have 1.." + InputValidator.MAX_D + " dimensions, got "
                    + Arrays.toString(lo) + ".." + Arrays.toString(hi));
        }
        if (lo.length != hi.length && lo.length == 1) { // one value for every dimension of the other bound
            lo = fill(lo[0], hi.length);
        } else if (lo.length != hi.length && hi.length == 1) {
            hi = fill(hi[0], lo.length);
        }
        ZetaParams.defaults().withRange(lo, hi);
        set(rangeLo, lo.clone());
        return (ZetaAttentionTransformer) set(rangeHi, hi.clone());
    }

    public ZetaAttentionTransformer setGamma(double value) {
        ZetaParams.defaults().withGamma(value);
        return (ZetaAttentionTransformer) set(gamma, value);
    }

    public ZetaAttentionTransformer setTau(double value) {
        ZetaParams.defaults().withTau(value);
        return (ZetaAttentionTransformer) set(tau, value);
    }

    /** cauchy, softmax or inverse (any case). */
    public ZetaAttentionTransformer setKernel(String value) {
        return (ZetaAttentionTransformer) set(kernel, KernelType.parse(value).name().toLowerCase(Locale.ROOT));
    }

    public ZetaAttentionTransformer setMeanSlot(boolean value) {
        return (ZetaAttentionTransformer) set(meanSlot, value);
    }

    public ZetaAttentionTransformer setIncludeSelf(boolean value) {
        return (ZetaAttentionTransformer) set(includeSelf, value);
    }

    public ZetaAttentionTransformer setCausal(boolean value) {
        return (ZetaAttentionTransformer) set(causal, value);
    }

    public ZetaAttentionTransformer setExact(boolean value) {
        return (ZetaAttentionTransformer) set(exact, value);
    }

    public ZetaAttentionTransformer setSeed(long value) {
        return (ZetaAttentionTransformer) set(seed, value);
    }

    public ZetaAttentionTransformer setSeqCol(String value) {
        return setColumn(seqCol, value);
    }

    public ZetaAttentionTransformer setPosCol(String value) {
        return setColumn(posCol, value);
    }

    public ZetaAttentionTransformer setQCol(String value) {
        return setColumn(qCol, value);
    }

    public ZetaAttentionTransformer setKCol(String value) {
        return setColumn(kCol, value);
    }

    public ZetaAttentionTransformer setVCol(String value) {
        return setColumn(vCol, value);
    }

    public ZetaAttentionTransformer setOutputCol(String value) {
        return setColumn(outputCol, value);
    }

    /** Empty: the column is not produced. */
    public ZetaAttentionTransformer setNbrPosCol(String value) {
        return setColumn(nbrPosCol, value == null ? "" : value);
    }

    /** Empty: the column is not produced. */
    public ZetaAttentionTransformer setNbrWCol(String value) {
        return setColumn(nbrWCol, value == null ? "" : value);
    }

    /** Empty: the column is not produced. */
    public ZetaAttentionTransformer setNnDistCol(String value) {
        return setColumn(nnDistCol, value == null ? "" : value);
    }

    /** False drops the q, k and v input columns from the output (every other input column is kept). */
    public ZetaAttentionTransformer setKeepInputVectors(boolean value) {
        return (ZetaAttentionTransformer) set(keepInputVectors, value);
    }

    private ZetaAttentionTransformer setColumn(Param<String> p, String value) {
        if (value == null || (p.isValid().apply(value) == Boolean.FALSE)) {
            throw new IllegalArgumentException(p.name() + " must be a non-empty column name, got '" + value + "'");
        }
        return (ZetaAttentionTransformer) set(p, value);
    }

    // ---- getters ----

    public int getK() {
        return (Integer) $(k);
    }

    public int getCurves() {
        return (Integer) $(curves);
    }

    public int getWindow() {
        return (Integer) $(window);
    }

    public int getChunkSize() {
        return (Integer) $(chunkSize);
    }

    public int getBits() {
        return (Integer) $(bits);
    }

    public double[] getRangeLo() {
        return $(rangeLo).clone();
    }

    public double[] getRangeHi() {
        return $(rangeHi).clone();
    }

    public double getGamma() {
        return (Double) $(gamma);
    }

    public double getTau() {
        return (Double) $(tau);
    }

    public String getKernel() {
        return $(kernel);
    }

    public boolean getMeanSlot() {
        return (Boolean) $(meanSlot);
    }

    public boolean getIncludeSelf() {
        return (Boolean) $(includeSelf);
    }

    public boolean getCausal() {
        return (Boolean) $(causal);
    }

    public boolean getExact() {
        return (Boolean) $(exact);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public String getSeqCol() {
        return $(seqCol);
    }

    public String getPosCol() {
        return $(posCol);
    }

    public String getQCol() {
        return $(qCol);
    }

    public String getKCol() {
        return $(kCol);
    }

    public String getVCol() {
        return $(vCol);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    public String getNbrPosCol() {
        return $(nbrPosCol);
    }

    public String getNbrWCol() {
        return $(nbrWCol);
    }

    public String getNnDistCol() {
        return $(nnDistCol);
    }

    public boolean getKeepInputVectors() {
        return (Boolean) $(keepInputVectors);
    }

    // ---- conversion ----

    /** The operator parameters; cross-parameter checks (range bounds) run here. */
    public ZetaParams toZetaParams() {
        double[] lo = getRangeLo();
        double[] hi = getRangeHi();
        if (lo.length != hi.length) { // a one-value bound applies to every dimension of the other
            if (lo.length == 1) {
                lo = fill(lo[0], hi.length);
            } else if (hi.length == 1) {
                hi = fill(hi[0], lo.length);
            } else {
                throw new IllegalArgumentException("rangeLo and rangeHi have different lengths: "
                        + Arrays.toString(lo) + " vs " + Arrays.toString(hi));
            }
        }
        return ZetaParams.defaults()
                .withK(getK())
                .withCurves(getCurves())
                .withWindow(getWindow())
                .withChunkSize(getChunkSize())
                .withBits(getBits())
                .withRange(lo, hi)
                .withGamma(getGamma())
                .withTau(getTau())
                .withKernel(KernelType.parse(getKernel()))
                .withMeanSlot(getMeanSlot())
                .withIncludeSelf(getIncludeSelf())
                .withCausal(getCausal())
                .withExact(getExact())
                .withSeed(getSeed());
    }

    private static double[] fill(double x, int n) {
        double[] a = new double[n];
        Arrays.fill(a, x);
        return a;
    }

    /** Sets every operator parameter from {@code p}. */
    public ZetaAttentionTransformer setParams(ZetaParams p) {
        return setK(p.k()).setCurves(p.curves()).setWindow(p.window()).setChunkSize(p.chunkSize())
                .setBits(p.bitsSetting()).setRange(p.rangeLoArray(), p.rangeHiArray()).setGamma(p.gamma())
                .setTau(p.tau()).setKernel(p.kernel().name()).setMeanSlot(p.meanSlot())
                .setIncludeSelf(p.includeSelf()).setCausal(p.causal()).setExact(p.exact()).setSeed(p.seed());
    }

    /** Sets every column name from {@code c}. */
    public ZetaAttentionTransformer setColumns(ZetaColumns c) {
        return setSeqCol(c.seq()).setPosCol(c.pos()).setQCol(c.q()).setKCol(c.k()).setVCol(c.v())
                .setOutputCol(c.out()).setNbrPosCol(c.nbrPos()).setNbrWCol(c.nbrW()).setNnDistCol(c.nnDist());
    }

    public ZetaColumns toColumns() {
        return ZetaColumns.defaults().withSeq(getSeqCol()).withPos(getPosCol()).withQ(getQCol()).withK(getKCol())
                .withV(getVCol()).withOut(getOutputCol()).withNbrPos(getNbrPosCol()).withNbrW(getNbrWCol())
                .withNnDist(getNnDistCol());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        toZetaParams(); // cross-parameter checks before any job
        ZetaColumns cols = toColumns();
        StructType operator = cols.outputSchema(schema);
        List<StructField> fields = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (StructField f : InputValidator.canonicalSchema(schema, cols).fields()) {
            if (keeps(f.name(), cols)) {
                fields.add(f);
                kept.add(f.name());
            }
        }
        for (StructField f : operator.fields()) {
            if (f.name().equals(cols.seq()) || f.name().equals(cols.pos())) {
                continue;
            }
            if (kept.contains(f.name())) {
                throw new IllegalArgumentException("output column '" + f.name() + "' already exists in the input; "
                        + "choose another name for it (setOutputCol, setNbrPosCol, setNbrWCol, setNnDistCol), "
                        + "or drop the input column");
            }
            fields.add(f);
        }
        return DataTypes.createStructType(fields);
    }

    private boolean keeps(String name, ZetaColumns cols) {
        return getKeepInputVectors() || !(name.equals(cols.q()) || name.equals(cols.k()) || name.equals(cols.v()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ZetaParams params = toZetaParams();
        ZetaColumns cols = toColumns();
        ValidatedInput in = InputValidator.validate(dataset.toDF(), cols, params);
        if (in.isEmpty()) {
            return dataset.sparkSession().createDataFrame(Collections.<Row>emptyList(), out);
        }
        Dataset<Row> result = Zeta.attention(in, params, cols);
        // the operator's rows joined back to the input rows ((seq, pos) is unique, validated), in the
        // input's column order; the result's key columns are renamed so that no name is ambiguous
        String seqKey = "__zeta_seq";
        String posKey = "__zeta_pos";
        Dataset<Row> right = result.withColumnRenamed(cols.seq(), seqKey).withColumnRenamed(cols.pos(), posKey);
        Dataset<Row> left = in.dataset();
        Dataset<Row> joined = left.join(right, left.col(InputValidator.quoted(cols.seq())).equalTo(right.col(seqKey))
                .and(left.col(InputValidator.quoted(cols.pos())).equalTo(right.col(posKey))));
        // the schema's first fields are the kept input columns, the rest the operator's outputs
        int fromInput = out.size() - (result.columns().length - 2);
        List<Column> select = new ArrayList<>();
        StructField[] fields = out.fields();
        for (int i = 0; i < fields.length; i++) {
            select.add((i < fromInput ? left : right).col(InputValidator.quoted(fields[i].name())));
        }
        return joined.select(select.toArray(new Column[0]));
    }

    @Override
    public ZetaAttentionTransformer copy(ParamMap extra) {
        return (ZetaAttentionTransformer) defaultCopy(extra);
    }

    public static MLReader<ZetaAttentionTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static ZetaAttentionTransformer load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "ZetaAttentionTransformer(" + uid + ")";
    }
}
