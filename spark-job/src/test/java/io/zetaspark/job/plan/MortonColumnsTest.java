package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Catalyst Morton codes equal ShiftedCurves' codes bit for bit, for every d, curve and clamping case. */
class MortonColumnsTest {
    @Test
    void catalystCodesEqualKernelCodes() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        Random rnd = new Random(3);
        for (int d = 1; d <= 8; d++) {
            ZetaParams params = ZetaParams.defaults().withCurves(3).withRange(-4, 4);
            ShiftedCurves sc = new ShiftedCurves(d, params);
            List<Row> rows = new ArrayList<>();
            List<float[]> vecs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                float[] x = new float[d];
                for (int m = 0; m < d; m++) {
                    // mostly in range, some clamped below/above, some exact repeats and boundaries
                    x[m] = i % 17 == 0 ? -4f : i % 19 == 0 ? 4f : i % 23 == 0 ? 9.5f
                            : i % 29 == 0 ? -7f : (float) (rnd.nextGaussian() * 2);
                }
                if (i % 7 == 0 && i > 0) {
                    x = vecs.get(i - 1).clone();
                }
                vecs.add(x);
                rows.add(RowFactory.create(i, x));
            }
            Column[] codes = new Column[sc.curves() + 1];
            codes[0] = col("id");
            for (int c = 0; c < sc.curves(); c++) {
                codes[c + 1] = MortonColumns.code(sc, col("x"), c).as("c" + c);
            }
            Dataset<Row> df = SparkTestSession.get().createDataFrame(rows, schema).select(codes);
            for (Row r : df.collectAsList()) {
                float[] x = vecs.get(r.getInt(0));
                for (int c = 0; c < sc.curves(); c++) {
                    assertEquals(sc.code(c, x, 0), r.getLong(c + 1), "d=" + d + " curve " + c + " row " + r.getInt(0));
                }
            }
        }
    }
}
