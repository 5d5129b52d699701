package io.zetaspark.job;

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
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

    static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * Checks the schema and casts the operator's columns to the canonical types, keeping every
     * other column and the column order. Lazy: no job runs.
     */
    public static Dataset<Row> normalize(Dataset<Row> input, ZetaColumns cols) {
        StructType schema = input.schema();
        checkSchema(schema, cols);
        List<Column> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            String n = f.name();
            Column c = ref(n);
            DataType t = f.dataType();
            if (n.equals(cols.seq()) && isSmallIntegral(t)) {
                c = c.cast(DataTypes.LongType).as(n);
            } else if (n.equals(cols.pos()) && !(t instanceof LongType)) {
                c = c.cast(DataTypes.LongType).as(n);
            } else if ((n.equals(cols.q()) || n.equals(cols.k()) || n.equals(cols.v()))
                    && !DataTypes.FloatType.equals(((ArrayType) t).elementType())) {
                c = c.cast(DataTypes.createArrayType(DataTypes.FloatType, ((ArrayType) t).containsNull())).as(n);
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

        Dataset<Row> perRow = data.select(
                ref(cols.seq()).as("s"),
                ref(cols.pos()).as("p"),
                lengthOrMinusOne(cols.q()).as("ql"),
                lengthOrMinusOne(cols.v()).as("vl"),
                rowProblem(schema, cols).as("bad"));

        Column duplicate = struct(lit(cols.pos()).as("col"),
                concat(lit("duplicate position: "), col("cnt").cast("string"), lit(" rows have this (seq, pos)")).as("text"));
        Dataset<Row> perToken = perRow.groupBy("s", "p")
                .agg(count(lit(1)).as("cnt"), min("bad").as("bad"), min("ql").as("qmin"), max("ql").as("qmax"),
                        min("vl").as("vmin"), max("vl").as("vmax"))
                .withColumn("bad", when(col("bad").isNotNull(), col("bad")).when(col("cnt").gt(1), duplicate));

        Dataset<Row> perSeq = perToken.groupBy("s").agg(
                sum("cnt").as("n"),
                min(when(col("bad").isNotNull(),
                        struct(col("p"), col("bad.col").as("col"), col("bad.text").as("text")))).as("bad"),
                min(struct(col("p"), col("qmin").as("ql"), col("vmin").as("vl"))).as("first"),
                min(struct(col("qmin").as("len"), col("p"))).as("qlo"),
                min(struct(negate(col("qmax")).as("len"), col("p"))).as("qhi"),
                min(struct(col("vmin").as("len"), col("p"))).as("vlo"),
                min(struct(negate(col("vmax")).as("len"), col("p"))).as("vhi"));

        Row r = perSeq.agg(
                sum("n").as("rows"),
                count(lit(1)).as("seqs"),
                max("n").as("maxlen"),
                min(when(col("bad").isNotNull(), struct(col("s"), col("bad.p").as("p"), col("bad.col").as("col"),
                        col("bad.text").as("text")))).as("bad"),
                min(struct(col("s"), col("first.p").as("p"), col("first.ql").as("ql"), col("first.vl").as("vl")))
                        .as("first"),
                min(struct(col("qlo.len").as("len"), col("s"), col("qlo.p").as("p"))).as("qlo"),
                min(struct(col("qhi.len").as("len"), col("s"), col("qhi.p").as("p"))).as("qhi"),
                min(struct(col("vlo.len").as("len"), col("s"), col("vlo.p").as("p"))).as("vlo"),
                min(struct(col("vhi.len").as("len"), col("s"), col("vhi.p").as("p"))).as("vhi"))
                .head();

        long rows = r.isNullAt(0) ? 0L : r.getLong(0);
        if (rows == 0) {
            return new ValidatedInput(data, 0, 0, 0, 0, 0);
        }
        if (!r.isNullAt(3)) {
            Row bad = r.getStruct(3);
            throw new ZetaInputException(bad.getString(2), bad.get(0), nullableLong(bad, 1), bad.getString(3));
        }
        Row first = r.getStruct(4);
        int d = first.getInt(2);
        int dv = first.getInt(3);
        String firstRow = "seq=" + first.get(0) + " pos=" + first.get(1);
        // the shortest and the longest vector seen must both have the first row's length
        checkLength(cols.q(), "d", d, firstRow, r.getStruct(5), 1);
        checkLength(cols.q(), "d", d, firstRow, r.getStruct(6), -1);
        checkLength(cols.v(), "dv", dv, firstRow, r.getStruct(7), 1);
        checkLength(cols.v(), "dv", dv, firstRow, r.getStruct(8), -1);
        if (params != null) {
            try {
                params.checkDims(d);
            } catch (IllegalArgumentException e) {
                throw new ZetaInputException("column '" + cols.q() + "': d=" + d
                        + " (inferred from the data) does not fit the parameters: " + e.getMessage(), e);
            }
        }
        return new ValidatedInput(data, d, dv, rows, r.getLong(1), r.getLong(2));
    }

    private static Long nullableLong(Row r, int i) {
        return r.isNullAt(i) ? null : r.getLong(i);
    }

    /** {@code extreme} is (length · sign, seq, pos) of the row with the smallest (sign 1) or largest (sign −1) length. */
    private static void checkLength(String column, String what, int expected, String firstRow, Row extreme, int sign) {
        int len = extreme.getInt(0) * sign;
        if (len != expected) {
            throw new ZetaInputException(column, extreme.get(1), extreme.getLong(2), "length " + len + ", expected "
                    + expected + " (" + what + " from the first row in (seq, pos) order, " + firstRow + ")");
        }
    }

    private static Column lengthOrMinusOne(String name) {
        return when(ref(name).isNull(), lit(-1)).otherwise(size(ref(name)));
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
            // only arrays that may hold nulls pay for this element-wise check
            add(cases, expr("exists(" + q + ", x -> x IS NULL)"), name, concat(lit(name + "["),
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
