package io.zetaspark.job.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.rows.OutRow;
import io.zetaspark.job.plan.rows.OutRowWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The in-task engine's output rows ({@link OutRowWriter}) against the bean path they replace (whose
 * projected schema they are given): the same fields, and for every row the same bytes as Spark's
 * own bean serializer and the plan's final projection produce ({@code UnsafeRow.equals} compares
 * the rows' bytes).
 */
class OutRowWriterTest {
    private static final ZetaColumns RENAMED = ZetaColumns.defaults().withSeq("doc id").withPos("t")
            .withOut("y").withNbrPos("who").withNbrW("w").withNnDist("nearest");
    private static final ZetaColumns NO_OPTIONAL = ZetaColumns.defaults().withNbrPos("").withNnDist("");

    @Test
    void rowsEqualTheBeanPathByteForByte() {
        SparkSession spark = SparkTestSession.get();
        SplittableRandom r = new SplittableRandom(5);
        List<OutRow> beans = new ArrayList<>();
        // dv and counts odd and even (float padding), a count of 0 (the first token of a causal run),
        // a count of 65 (two words of null bits); long keys as strings, as the bean path holds them
        int[] dvs = {1, 2, 3, 16, 64};
        int[] counts = {0, 1, 2, 31, 32, 65};
        for (int dv : dvs) {
            for (int count : counts) {
                OutRow o = new OutRow();
                o.setSeq(Long.toString(r.nextLong()));
                o.setPos(r.nextLong(1L << 50));
                float[] out = new float[dv];
                for (int i = 0; i < dv; i++) {
                    out[i] = (float) r.nextGaussian();
                }
                long[] nbr = new long[count];
                float[] w = new float[count];
                for (int i = 0; i < count; i++) {
                    nbr[i] = r.nextLong(1L << 40);
                    w[i] = (float) r.nextDouble();
                }
                o.setOut(out);
                o.setNbrPos(nbr);
                o.setNbrW(w);
                o.setNnDist(count == 0 ? Double.POSITIVE_INFINITY : r.nextDouble());
                beans.add(o);
            }
        }
        for (DataType seqType : new DataType[] {DataTypes.LongType, DataTypes.StringType}) {
            ZetaColumns[] choices = {ZetaColumns.defaults(), RENAMED, NO_OPTIONAL};
            String[] names = {"default names", "renamed", "no nbr_pos, no nn_dist"};
            for (int c = 0; c < choices.length; c++) {
                ZetaColumns cols = choices[c];
                Dataset<Row> viaBeans = ZetaPlan.project(spark.createDataset(beans, Encoders.bean(OutRow.class)),
                        seqType, cols);
                InternalRow[] expected = (InternalRow[]) viaBeans.queryExecution().toRdd().collect();
                boolean longSeq = seqType == DataTypes.LongType;
                OutRowWriter writer = new OutRowWriter(longSeq, cols);
                for (int i = 0; i < beans.size(); i++) {
                    OutRow o = beans.get(i);
                    // more room than count, as the engine's cursor arrays have
                    long[] nbr = Arrays.copyOf(o.getNbrPos(), 80);
                    float[] w = Arrays.copyOf(o.getNbrW(), 80);
                    UnsafeRow got = writer.write(false, longSeq ? Long.parseLong(o.getSeq()) : 0L,
                            longSeq ? null : UTF8String.fromString(o.getSeq()), o.getPos(), o.getOut(), nbr, w,
                            o.getNbrPos().length, o.getNnDist());
                    assertEquals(viaBeans.schema().size(), got.numFields(), "fields, " + names[c]);
                    assertEquals(expected[i], got, "row " + i + ", seq " + seqType + ", " + names[c]);
                }
            }
        }
    }

    @Test
    void aNullKeyIsANullSeq() {
        OutRowWriter writer = new OutRowWriter(false, ZetaColumns.defaults());
        UnsafeRow row = writer.write(true, 0L, null, 7L, new float[] {1f}, new long[0], new float[0], 0, 0.5);
        assertEquals(true, row.isNullAt(0));
        assertEquals(7L, row.getLong(1));
        assertEquals(1, row.getArray(2).numElements());
    }
}
