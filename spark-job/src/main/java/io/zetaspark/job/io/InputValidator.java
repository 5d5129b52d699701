package io.zetaspark.job.io;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.ZetaInputException;
import io.zetaspark.job.plan.SequenceRoutes;
import io.zetaspark.job.plan.ZetaPlan;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the operator's input before the distributed plan runs (docs/ALGORITHM.md, "Inputs").
 *
 * <p><b>Schema</b> (no job): the five columns exist; {@code seq} is string or long (int, short and
 * byte are cast to long); {@code pos} is long (int, short, byte cast); {@code q}, {@code k} and
 * {@code v} are arrays of a numeric type. Arrays of float are used as they are; arrays of any other
 * numeric type (double, as JSON readers infer, integers, decimals) are <i>cast to float</i>, the
 * type every engine computes in: doubles are rounded, and a double beyond the float range becomes
 * infinite and is then rejected as such.
 *
 * <p><b>Data</b> (one action over the input): every row is checked for a null seq, pos or vector,
 * a null, NaN or infinite vector component, a negative pos, a q length outside 1..8, a k length
 * different from q's in the same row and an empty v; (seq, pos) must be unique. d and dv are
 * inferred from the first row in (seq, pos) order and every row must agree. Among several bad
 * rows the one reported is the first in (seq, pos) order, so the message does not depend on the
 * partitioning. The same aggregation yields the row count, the sequence count and the longest
 * sequence's length.
 */
public final class InputValidator {
    /** Largest supported d (one Morton code of d·floor(63/d) bits fits a long). */
    public static final int MAX_D = 8;

    /** Inputs the planner estimates at or below this size skip the sequence-count job (hash routing). */
    static final long SMALL_INPUT_BYTES = 32L << 20;
    /** Spark conf key overriding {@link #SMALL_INPUT_BYTES} (bytes; tests set 0 to exercise the packed routes). */
    public static final String SMALL_INPUT_CONF = "spark.zeta.validation.smallInputBytes";

    private InputValidator() {
    }

    /**
     * Checks the schema only: no Spark job runs. Throws {@link ZetaInputException} naming the
     * column, its type and the expected type.
     */
    public static void checkSchema(StructType schema, ZetaColumns cols) {
        seqType(schema, cols.seq());
        posField(schema, cols.pos());
        vectorField(schema, cols.q());
        vectorField(schema, cols.k());
        vectorField(schema, cols.v());
        if (cols.seq().equals(cols.pos())) {
            throw new ZetaInputException(cols.pos(), "seq and pos must be different columns");
        }
    }

    /** The canonical type of the seq column: string or long. */
    public static DataType seqType(StructType schema, String name) {
        DataType t = field(schema, name).dataType();
        if (t instanceof StringType || t instanceof LongType) {
            return t;
        }
        if (isSmallIntegral(t)) {
            return DataTypes.LongType;
        }
        throw new ZetaInputException(name, "type " + t.simpleString()
                + " is not supported; expected string or long (int is cast to long)");
    }

    private static void posField(StructType schema, String name) {
        DataType t = field(schema, name).dataType();
        if (!(t instanceof LongType) && !isSmallIntegral(t)) {
            throw new ZetaInputException(name, "type " + t.simpleString()
                    + " is not supported; expected long (int is cast to long)");
        }
    }

    private static void vectorField(StructType schema, String name) {
        DataType t = field(schema, name).dataType();
        if (!(t instanceof ArrayType) || !(((ArrayType) t).elementType() instanceof NumericType)) {
            throw new ZetaInputException(name, "type " + t.simpleString()
                    + " is not supported; expected array<float> (arrays of double or another numeric type are cast to float)");
        }
    }

    private static boolean isSmallIntegral(DataType t) {
        return t instanceof IntegerType || t instanceof ShortType || t instanceof ByteType;
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new ZetaInputException(name, "not found; input columns: " + String.join(", ", schema.fieldNames()));
    }

    /** A column reference that survives dots and back-ticks in the name. */
    static Column ref(String name) {
        return col(quoted(name));
    }

    /** {@code name} in back-ticks, for column references that survive dots and back-ticks. */
    public static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * The input schema with the operator's columns in their canonical types (seq string or long,
     * pos long, q/k/v array&lt;float&gt;) and every other column as it is, in the input's order;
     * checks the schema first. No job runs.
     */
    public static StructType canonicalSchema(StructType schema, ZetaColumns cols) {
        checkSchema(schema, cols);
        List<StructField> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            String n = f.name();
            DataType t = f.dataType();
            if (n.equals(cols.seq()) && isSmallIntegral(t)) {
                t = DataTypes.LongType;
            } else if (n.equals(cols.pos()) && !(t instanceof LongType)) {
                t = DataTypes.LongType;
            } else if ((n.equals(cols.q()) || n.equals(cols.k()) || n.equals(cols.v()))
                    && !DataTypes.FloatType.equals(((ArrayType) t).elementType())) {
                t = DataTypes.createArrayType(DataTypes.FloatType, ((ArrayType) t).containsNull());
            }
            out.add(DataTypes.createStructField(n, t, f.nullable(), f.metadata()));
        }
        return DataTypes.createStructType(out);
    }

    /**
     * Checks the schema and casts the operator's columns to the canonical types of
     * {@link #canonicalSchema}, keeping every other column and the column order. Lazy: no job runs.
     */
    public static Dataset<Row> normalize(Dataset<Row> input, ZetaColumns cols) {
        StructType schema = input.schema();
        StructField[] canonical = canonicalSchema(schema, cols).fields();
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < canonical.length; i++) {
            Column c = ref(canonical[i].name());
            if (!canonical[i].dataType().equals(schema.fields()[i].dataType())) {
                c = c.cast(canonical[i].dataType()).as(canonical[i].name());
            }
            out.add(c);
        }
        return input.select(out.toArray(new Column[0]));
    }

    /** {@link #validate(Dataset, ZetaColumns, ZetaParams)} without a parameter check. */
    public static ValidatedInput validate(Dataset<Row> input, ZetaColumns cols) {
        return validate(input, cols, null);
    }

    /**
     * Checks the schema, then runs one action over the data (see the class comment). When
     * {@code params} is given, also checks that they fit the inferred d (per-dimension range
     * length, bits). Throws {@link ZetaInputException} on the first problem found.
     */
    public static ValidatedInput validate(Dataset<Row> input, ZetaColumns cols, ZetaParams params) {
        Dataset<Row> data = normalize(input, cols);
        StructType schema = data.schema();
        ZetaParams p = params == null ? ZetaParams.defaults() : params;
        boolean longSeq = schema.apply(cols.seq()).dataType() instanceof LongType;

        SparkSession spark = data.sparkSession();
        int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200"));
        // a small input (by the planner's size estimate, no job) is hash-partitioned by sequence;
        // a larger one first counts its sequences (an aggregation that reduces to one row per
        // sequence) so that they can be packed by size and the long ones spread
        long smallBytes = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(
                spark.conf().get(SMALL_INPUT_CONF, SMALL_INPUT_BYTES + "b"));
        boolean small = data.queryExecution().optimizedPlan().stats().sizeInBytes().compare(
                scala.math.BigInt.apply(smallBytes)) <= 0;
        long limit = -1;
        SequenceRoutes routes = null;
        if (!small) {
            List<Row> perSeq = data.groupBy(ref(cols.seq()).as("s"))
                    .agg(count(lit(1)).as("n"), max(size(ref(cols.q()))).as("ql"), max(size(ref(cols.v()))).as("vl"),
                            min(ref(cols.pos())).as("lo"), max(ref(cols.pos())).as("hi"))
                    .collectAsList();
            if (perSeq.isEmpty()) {
                return new ValidatedInput(data, 0, 0, 0, 0, 0);
            }
            int qlMax = 1;
            int vlMax = 1;
            for (Row r : perSeq) {
                qlMax = Math.max(qlMax, r.isNullAt(2) ? 1 : r.getInt(2));
                vlMax = Math.max(vlMax, r.isNullAt(3) ? 1 : r.getInt(3));
            }
            limit = ZetaPlan.localLimit(spark, p, Math.min(qlMax, MAX_D), vlMax);
            routes = SequenceRoutes.pack(spark, perSeq, limit, partitions, schema.apply(cols.seq()).dataType(),
                    p.causal() && !p.exact() ? spark.sparkContext().defaultParallelism() : 1, p.chunkSize(),
                    Long.parseLong(spark.conf().get(SequenceRoutes.SPLIT_MIN_CONF, String.valueOf(SequenceRoutes.SPLIT_MIN))),
                    p.exact() ? null : io.zetaspark.job.plan.RouteCosts.of(spark));
        }

        // the shuffle that the in-task engine needs anyway: whole sequences (long ones by position
        // blocks) per partition, sorted by (seq, pos); the per-row checks are Catalyst expressions
        Column bad = rowProblem(schema, cols);
        Dataset<Row> rowsChecked = data.select(ref(cols.seq()).as("s"), ref(cols.pos()).as("p"),
                ref(cols.q()).as("q0"), ref(cols.k()).as("k0"), ref(cols.v()).as("v0"), bad.as("bad"));
        Column route;
        Column queryFrom = lit(Long.MIN_VALUE);
        if (routes == null) {
            route = col("s");
        } else {
            // a split sequence's rows join every part that needs them as keys (p < qto)
            rowsChecked = rowsChecked.join(functions.broadcast(routes.frame()),
                    col("s").equalTo(col("rs")).and(col("p").lt(col("qto"))), "left");
            route = functions.coalesce(col("route"), routes.blockRoute("p"),
                    functions.xxhash64(col("s"), expr("p div " + SequenceRoutes.LONG_BLOCK)));
            queryFrom = functions.coalesce(col("qfrom"), lit(Long.MIN_VALUE));
        }
        // only the columns the two readers need cross the shuffle, in the layout of RoutedRows; the
        // route rides last. No projection after the sort: both jobs read the sorter's rows directly
        Dataset<Row> routed = rowsChecked.select(col("s"), col("p"), queryFrom.as("queryFrom"), col("q0"), col("k0"),
                        col("v0"), col("bad"), route.as("route"))
                .repartition(partitions, col("route"))
                .sortWithinPartitions("s", "queryFrom", "p");
        JavaRDD<InternalRow> sorted = routed.queryExecution().toRdd().toJavaRDD();

        // job 2 over the same shuffle output: the checks, one summary per partition
        ValidationPass.Summary all = ValidationPass.combine(
                sorted.mapPartitions(it -> ValidationPass.summarize(it, params, longSeq)).collect(), longSeq);
        if (all.rows == 0) {
            return new ValidatedInput(data, 0, 0, 0, 0, 0);
        }
        if (all.bad != null) {
            throw new ZetaInputException(all.bad.col, seqValue(all.bad.seq, longSeq), all.bad.pos, all.bad.text);
        }
        int d = all.first.len;
        int dv = all.first.len2;
        String firstRow = "seq=" + all.first.seq + " pos=" + all.first.pos;
        // the shortest and the longest vector seen must both have the first row's length
        checkLength(cols.q(), "d", d, firstRow, all.qlo, longSeq);
        checkLength(cols.q(), "d", d, firstRow, all.qhi, longSeq);
        checkLength(cols.v(), "dv", dv, firstRow, all.vlo, longSeq);
        checkLength(cols.v(), "dv", dv, firstRow, all.vhi, longSeq);
        if (params != null) {
            try {
                params.checkDims(d);
            } catch (IllegalArgumentException e) {
                throw new ZetaInputException("column '" + cols.q() + "': d=" + d
                        + " (inferred from the data) does not fit the parameters: " + e.getMessage(), e);
            }
        }
        long longest = 0;
        for (long n : all.counts.values()) {
            longest = Math.max(longest, n);
        }
        List<String> large;
        if (routes == null) {
            limit = ZetaPlan.localLimit(spark, p, d, dv);
            large = new ArrayList<>();
            for (java.util.Map.Entry<String, Long> e : all.counts.entrySet()) {
                if (e.getValue() > limit) {
                    large.add(e.getKey()); // whole in one partition of the hash shuffle; the plan spreads it
                }
            }
        } else {
            large = routes.large();
        }
        return new ValidatedInput(data, d, dv, all.rows, all.counts.size(), longest,
                new ValidatedInput.Routed(sorted, longSeq, large, limit, new java.util.HashMap<>(all.counts),
                        routes == null ? java.util.Map.of() : routes.blocks(), routes == null ? 0 : p.chunkSize()),
                all.lo == null ? new float[0] : all.lo, all.hi == null ? new float[0] : all.hi, all.clamped);
    }

    private static Object seqValue(String seq, boolean longSeq) {
        return seq == null || !longSeq ? seq : Long.valueOf(seq);
    }

    private static void checkLength(String column, String what, int expected, String firstRow,
                                    ValidationPass.Found extreme, boolean longSeq) {
        if (extreme.len != expected) {
            throw new ZetaInputException(column, seqValue(extreme.seq, longSeq), extreme.pos, "length " + extreme.len
                    + ", expected " + expected + " (" + what + " from the first row in (seq, pos) order, " + firstRow + ")");
        }
    }

    /** Builds the per-row check as one CASE: the first problem in column order, or null. */
    private static Column rowProblem(StructType schema, ZetaColumns cols) {
        List<Column[]> cases = new ArrayList<>();
        Column s = ref(cols.seq());
        Column p = ref(cols.pos());
        add(cases, s.isNull(), cols.seq(), lit("null value"));
        add(cases, p.isNull(), cols.pos(), lit("null value"));
        add(cases, p.lt(0), cols.pos(), lit("negative position (positions must be >= 0)"));

        Column q = ref(cols.q());
        vectorChecks(cases, schema, cols.q());
        add(cases, size(q).lt(1).or(size(q).gt(MAX_D)), cols.q(),
                concat(lit("length "), size(q).cast("string"), lit(", d must be in 1.." + MAX_D)));

        Column k = ref(cols.k());
        vectorChecks(cases, schema, cols.k());
        add(cases, size(k).notEqual(size(q)), cols.k(), concat(lit("length "), size(k).cast("string"),
                lit(", expected "), size(q).cast("string"), lit(" (the length of '" + cols.q() + "' in the same row)")));

        Column v = ref(cols.v());
        vectorChecks(cases, schema, cols.v());
        add(cases, size(v).lt(1), cols.v(), lit("length 0, dv must be >= 1"));

        Column result = null;
        for (Column[] c : cases) {
            result = result == null ? when(c[0], c[1]) : result.when(c[0], c[1]);
        }
        return result;
    }

    private static void vectorChecks(List<Column[]> cases, StructType schema, String name) {
        Column c = ref(name);
        String q = quoted(name);
        add(cases, c.isNull(), name, lit("null value"));
        boolean containsNull = Arrays.stream(schema.fields())
                .filter(f -> f.name().equals(name))
                .anyMatch(f -> ((ArrayType) f.dataType()).containsNull());
        if (containsNull) {
            // only arrays that may hold nulls pay for this element-wise check. Not exists(x -> x IS NULL),
            // nor arrays_overlap (Spark wraps float arrays in a transform() that normalises NaN): a
            // higher-order function is interpreted element by element, and in Spark 4.2 each element
            // read builds a SQLConf, microseconds per row. array_contains is generated code and is null
            // exactly when the array holds a null and no element equal to the probe; the probe is NaN,
            // so an array with both a NaN and a null is reported by the next check, for its NaN
            Column hasNull = functions.array_contains(c, lit(Float.NaN)).isNull();
            add(cases, hasNull, name, concat(lit(name + "["),
                    expr("array_position(transform(" + q + ", x -> x IS NULL), true) - 1").cast("string"),
                    lit("] is null")));
        }
        // array_max/array_min are cheap and order NaN above +Infinity, so these catch every non-finite value
        Column max = array_max(c);
        Column nonFinite = isnan(max).or(max.equalTo(lit(Float.POSITIVE_INFINITY)))
                .or(array_min(c).equalTo(lit(Float.NEGATIVE_INFINITY)));
        String index = "least(nullif(array_position(" + q + ", float('NaN')), 0), "
                + "nullif(array_position(" + q + ", float('Infinity')), 0), "
                + "nullif(array_position(" + q + ", float('-Infinity')), 0))";
        add(cases, nonFinite, name, concat(lit(name + "["), expr(index + " - 1").cast("string"), lit("] is "),
                expr("element_at(" + q + ", int(" + index + "))").cast("string"),
                lit(" (NaN and infinite values are not allowed)")));
    }

    private static void add(List<Column[]> cases, Column condition, String column, Column text) {
        cases.add(new Column[] {condition, struct(lit(column).as("col"), text.as("text"))});
    }
}
