package io.zetaspark.job.io;

import static io.zetaspark.job.Fixtures.f;
import static io.zetaspark.job.Fixtures.frame;
import static io.zetaspark.job.Fixtures.goodRows;
import static io.zetaspark.job.Fixtures.goodRowsWith;
import static io.zetaspark.job.Fixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.Fixtures;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.ZetaInputException;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class InputValidatorTest {
    private static final ZetaColumns COLS = ZetaColumns.defaults();

    private static String failure(List<Row> rows) {
        return failure(frame(rows));
    }

    private static String failure(Dataset<Row> df) {
        return assertThrows(ZetaInputException.class, () -> InputValidator.validate(df, COLS)).getMessage();
    }

    @Test
    void goodInputYieldsShapeAndCounts() {
        ValidatedInput in = InputValidator.validate(frame(goodRows()), COLS);
        assertEquals(3, in.d());
        assertEquals(2, in.dv());
        assertEquals(5, in.rows());
        assertEquals(2, in.sequences());
        assertEquals(3, in.maxSequenceLength());
    }

    @Test
    void emptyInputHasNoShape() {
        ValidatedInput in = InputValidator.validate(frame(new ArrayList<>()), COLS);
        assertTrue(in.isEmpty());
        assertEquals(0, in.d());
    }

    @Test
    void intColumnsAndDoubleArraysAreCast() {
        StructType schema = Fixtures.schema(DataTypes.IntegerType, DataTypes.IntegerType,
                DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> rows = Fixtures.rows(
                row(7, 0, new double[] {0.5, 1}, new double[] {0, 1}, new double[] {2}),
                row(7, 1, new double[] {1.5, 1}, new double[] {1, 1}, new double[] {3}));
        ValidatedInput in = InputValidator.validate(frame(rows, schema), COLS);
        StructType out = in.dataset().schema();
        assertEquals(DataTypes.LongType, out.apply("seq").dataType());
        assertEquals(DataTypes.LongType, out.apply("pos").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, true), out.apply("q").dataType());
        assertEquals(2, in.d());
        assertEquals(1, in.dv());
        Row first = in.dataset().orderBy("pos").first();
        assertEquals(0.5f, first.getList(2).get(0));
    }

    @Test
    void missingColumnIsNamed() {
        String m = failure(frame(goodRows()).drop("k"));
        assertEquals("column 'k': not found; input columns: seq, pos, q, v", m);
    }

    @Test
    void customColumnNamesAppearInMessages() {
        ZetaColumns cols = COLS.withQ("query");
        ZetaInputException e = assertThrows(ZetaInputException.class,
                () -> InputValidator.checkSchema(Fixtures.floatSchema(), cols));
        assertTrue(e.getMessage().startsWith("column 'query': not found"), e.getMessage());
    }

    @Test
    void wrongTypesAreNamedWithTheExpectedType() {
        StructType badVec = Fixtures.floatSchema().add("x", DataTypes.StringType);
        ZetaInputException e = assertThrows(ZetaInputException.class,
                () -> InputValidator.checkSchema(badVec, COLS.withV("x")));
        assertEquals("column 'x': type string is not supported; expected array<float> "
                + "(arrays of double or another numeric type are cast to float)", e.getMessage());

        StructType badPos = Fixtures.schema(DataTypes.StringType, DataTypes.DoubleType, Fixtures.FLOATS);
        e = assertThrows(ZetaInputException.class, () -> InputValidator.checkSchema(badPos, COLS));
        assertEquals("column 'pos': type double is not supported; expected long (int is cast to long)", e.getMessage());

        StructType badSeq = Fixtures.schema(DataTypes.DoubleType, DataTypes.LongType, Fixtures.FLOATS);
        e = assertThrows(ZetaInputException.class, () -> InputValidator.checkSchema(badSeq, COLS));
        assertEquals("column 'seq': type double is not supported; expected string or long (int is cast to long)",
                e.getMessage());

        StructType stringArray = Fixtures.schema(DataTypes.StringType, DataTypes.LongType,
                DataTypes.createArrayType(DataTypes.StringType));
        e = assertThrows(ZetaInputException.class, () -> InputValidator.checkSchema(stringArray, COLS));
        assertTrue(e.getMessage().startsWith("column 'q': type array<string> is not supported"), e.getMessage());
    }

    @Test
    void lengthDifferentFromTheFirstRow() {
        String m = failure(goodRowsWith(4, row("doc-b", 5L, f(2, 2), f(2, 2), f(9, 10))));
        assertEquals("column 'q': seq=doc-b pos=5: length 2, expected 3 "
                + "(d from the first row in (seq, pos) order, seq=doc-a pos=0)", m);
    }

    @Test
    void longerVectorThanTheFirstRow() {
        String m = failure(goodRowsWith(2, row("doc-a", 2L, f(0, 0, 1, 4), f(0, 0, 1, 4), f(5, 6))));
        assertEquals("column 'q': seq=doc-a pos=2: length 4, expected 3 "
                + "(d from the first row in (seq, pos) order, seq=doc-a pos=0)", m);
    }

    @Test
    void keyLengthMustMatchQueryLength() {
        String m = failure(goodRowsWith(1, row("doc-a", 1L, f(0, 1, 0), f(0, 1), f(3, 4))));
        assertEquals("column 'k': seq=doc-a pos=1: length 2, expected 3 (the length of 'q' in the same row)", m);
    }

    @Test
    void valueLengthMustBeConsistent() {
        String m = failure(goodRowsWith(3, row("doc-b", 0L, f(1, 1, 1), f(1, 1, 1), f(7))));
        assertEquals("column 'v': seq=doc-b pos=0: length 1, expected 2 "
                + "(dv from the first row in (seq, pos) order, seq=doc-a pos=0)", m);
    }

    @Test
    void dimensionOutOfRange() {
        List<Row> rows = Fixtures.rows(row("s", 0L, new float[9], new float[9], f(1)));
        assertEquals("column 'q': seq=s pos=0: length 9, d must be in 1..8", failure(rows));
        rows = Fixtures.rows(row("s", 0L, f(), f(), f(1)));
        assertEquals("column 'q': seq=s pos=0: length 0, d must be in 1..8", failure(rows));
        rows = Fixtures.rows(row("s", 0L, f(1), f(1), f()));
        assertEquals("column 'v': seq=s pos=0: length 0, dv must be >= 1", failure(rows));
    }

    @Test
    void nullsAreNamed() {
        assertEquals("column 'seq': seq=null pos=1: null value",
                failure(goodRowsWith(1, row(null, 1L, f(0, 1, 0), f(0, 1, 0), f(3, 4)))));
        assertEquals("column 'pos': seq=doc-a pos=null: null value",
                failure(goodRowsWith(1, row("doc-a", null, f(0, 1, 0), f(0, 1, 0), f(3, 4)))));
        assertEquals("column 'q': seq=doc-a pos=1: null value",
                failure(goodRowsWith(1, row("doc-a", 1L, null, f(0, 1, 0), f(3, 4)))));
        assertEquals("column 'v': seq=doc-b pos=5: v[1] is null",
                failure(goodRowsWith(4, row("doc-b", 5L, f(2, 2, 2), f(2, 2, 2), new Float[] {9f, null}))));
        assertEquals("column 'k': seq=doc-b pos=5: k[0] is null",
                failure(goodRowsWith(4, row("doc-b", 5L, f(2, 2, 2), new Float[] {null, 1f, 2f}, f(1, 2)))));
        // the null-element check is array_contains(x, NaN) IS NULL: an array holding a NaN too is
        // reported for its NaN, still naming the column and the row
        assertEquals("column 'v': seq=doc-b pos=5: v[2] is NaN (NaN and infinite values are not allowed)",
                failure(goodRowsWith(4, row("doc-b", 5L, f(2, 2, 2), f(2, 2, 2), new Float[] {9f, null, Float.NaN}))));
    }

    @Test
    void nonFiniteComponentsAreNamed() {
        assertEquals("column 'q': seq=doc-a pos=2: q[1] is NaN (NaN and infinite values are not allowed)",
                failure(goodRowsWith(2, row("doc-a", 2L, f(0, Float.NaN, 1), f(0, 0, 1), f(5, 6)))));
        assertEquals("column 'k': seq=doc-a pos=2: k[2] is Infinity (NaN and infinite values are not allowed)",
                failure(goodRowsWith(2, row("doc-a", 2L, f(0, 0, 1), f(0, 0, Float.POSITIVE_INFINITY), f(5, 6)))));
        assertEquals("column 'v': seq=doc-a pos=2: v[0] is -Infinity (NaN and infinite values are not allowed)",
                failure(goodRowsWith(2, row("doc-a", 2L, f(0, 0, 1), f(0, 0, 1),
                        f(Float.NEGATIVE_INFINITY, Float.NaN)))));
    }

    @Test
    void doubleBeyondFloatRangeIsRejectedAsInfinite() {
        StructType schema = Fixtures.schema(DataTypes.StringType, DataTypes.LongType,
                DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> rows = Fixtures.rows(row("s", 0L, new double[] {1e300}, new double[] {0}, new double[] {0}));
        assertEquals("column 'q': seq=s pos=0: q[0] is Infinity (NaN and infinite values are not allowed)",
                failure(frame(rows, schema)));
    }

    @Test
    void negativePosition() {
        assertEquals("column 'pos': seq=doc-b pos=-5: negative position (positions must be >= 0)",
                failure(goodRowsWith(4, row("doc-b", -5L, f(2, 2, 2), f(2, 2, 2), f(9, 10)))));
    }

    @Test
    void duplicatePosition() {
        List<Row> rows = goodRows();
        rows.add(row("doc-b", 5L, f(3, 3, 3), f(3, 3, 3), f(1, 1)));
        assertEquals("column 'pos': seq=doc-b pos=5: duplicate position: 2 rows have this (seq, pos)", failure(rows));
    }

    @Test
    void firstBadRowInSeqPosOrderIsReported() {
        List<Row> rows = goodRows();
        rows.set(4, row("doc-b", 5L, f(2, Float.NaN, 2), f(2, 2, 2), f(9, 10)));
        rows.set(1, row("doc-a", 1L, f(0, 1, 0), f(0, 1, 0), f(Float.NaN, 4)));
        assertEquals("column 'v': seq=doc-a pos=1: v[0] is NaN (NaN and infinite values are not allowed)",
                failure(rows));
        ZetaInputException e = assertThrows(ZetaInputException.class,
                () -> InputValidator.validate(frame(rows).repartition(3), COLS));
        assertEquals("doc-a", e.seq());
        assertEquals(1L, e.pos());
        assertEquals("v", e.column());
    }

    @Test
    void parametersMustFitTheInferredDimension() {
        ZetaParams params = ZetaParams.defaults().withRange(new double[] {-1, -1}, new double[] {1, 1});
        ZetaInputException e = assertThrows(ZetaInputException.class,
                () -> InputValidator.validate(frame(goodRows()), COLS, params));
        assertEquals("column 'q': d=3 (inferred from the data) does not fit the parameters: "
                + "range has 2 dimensions but q/k have 3", e.getMessage());
    }
}
