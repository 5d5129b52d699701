package io.zetaspark.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Tiny literal inputs for the plumbing tests. */
public final class Fixtures {
    public static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, true);

    private Fixtures() {
    }

    public static StructType schema(DataType seq, DataType pos, DataType vec) {
        return new StructType(new StructField[] {
            DataTypes.createStructField("seq", seq, true),
            DataTypes.createStructField("pos", pos, true),
            DataTypes.createStructField("q", vec, true),
            DataTypes.createStructField("k", vec, true),
            DataTypes.createStructField("v", vec, true),
        });
    }

    public static StructType floatSchema() {
        return schema(DataTypes.StringType, DataTypes.LongType, FLOATS);
    }

    public static Row row(Object seq, Object pos, Object q, Object k, Object v) {
        return RowFactory.create(seq, pos, q, k, v);
    }

    public static float[] f(float... x) {
        return x;
    }

    /** Three good tokens in doc-a (pos 0, 1, 2) and two in doc-b (pos 0, 5); d = 3, dv = 2. */
    public static List<Row> goodRows() {
        List<Row> rows = new ArrayList<>();
        rows.add(row("doc-a", 0L, f(0, 0, 0), f(1, 0, 0), f(1, 2)));
        rows.add(row("doc-a", 1L, f(0, 1, 0), f(0, 1, 0), f(3, 4)));
        rows.add(row("doc-a", 2L, f(0, 0, 1), f(0, 0, 1), f(5, 6)));
        rows.add(row("doc-b", 0L, f(1, 1, 1), f(1, 1, 1), f(7, 8)));
        rows.add(row("doc-b", 5L, f(2, 2, 2), f(2, 2, 2), f(9, 10)));
        return rows;
    }

    /** The good rows with row i replaced. */
    public static List<Row> goodRowsWith(int i, Row replacement) {
        List<Row> rows = goodRows();
        rows.set(i, replacement);
        return rows;
    }

    public static Dataset<Row> frame(List<Row> rows) {
        return frame(rows, floatSchema());
    }

    public static Dataset<Row> frame(List<Row> rows, StructType schema) {
        return SparkTestSession.get().createDataFrame(rows, schema);
    }

    public static List<Row> rows(Row... r) {
        return new ArrayList<>(Arrays.asList(r));
    }
}
