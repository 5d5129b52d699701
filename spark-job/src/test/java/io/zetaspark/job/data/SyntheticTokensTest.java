package io.zetaspark.job.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SyntheticTokensTest {
    private final SparkSession spark = SparkTestSession.get();

    private static List<Row> sorted(Dataset<Row> df) {
        return df.orderBy(col("seq"), col("pos")).collectAsList();
    }

    private static float[] floats(Row r, int i) {
        List<Float> l = r.getList(i);
        float[] a = new float[l.size()];
        for (int j = 0; j < a.length; j++) {
            a[j] = l.get(j);
        }
        return a;
    }

    @Test
    void sameRowsWhateverThePartitionCount() {
        SyntheticTokens gen = SyntheticTokens.of(3_001).withSequences(3).withKind(SyntheticTokens.Kind.TIES).withDv(5);
        List<Row> one = sorted(gen.generate(spark, 1));
        List<Row> seven = sorted(gen.generate(spark, 7));
        assertEquals(3_001, one.size());
        assertEquals(one, seven);
        assertEquals(1, gen.generate(spark, 1).rdd().getNumPartitions());
        assertEquals(7, gen.generate(spark, 7).rdd().getNumPartitions());
    }

    @Test
    void tokensEqualTheKernelsGenerator() {
        SyntheticTokens gen = SyntheticTokens.of(10).withSequences(3).withKind(SyntheticTokens.Kind.CLUSTERED)
                .withD(2).withDv(3).withSeed(9).withStride(3);
        List<Row> rows = sorted(gen.generate(spark, 2));
        // 10 tokens over 3 sequences: 4, 3, 3
        assertEquals(List.of("seq-000000", "seq-000000", "seq-000000", "seq-000000", "seq-000001", "seq-000001",
                "seq-000001", "seq-000002", "seq-000002", "seq-000002"), rows.stream().map(r -> r.getString(0)).toList());
        TokenSequence expected = new TokenGenerator(TokenGenerator.Kind.CLUSTERED, 9, 2, 3).sequence(1, 3, 3);
        for (int i = 0; i < 3; i++) {
            Row r = rows.get(4 + i);
            assertEquals(expected.pos()[i], r.getLong(1));
            assertEquals(3L * i, r.getLong(1));
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.q(), 2 * i, 2 * i + 2), floats(r, 2));
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.k(), 2 * i, 2 * i + 2), floats(r, 3));
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.v(), 3 * i, 3 * i + 3), floats(r, 4));
        }
    }

    @Test
    void mixPutsHalfTheTokensInOneSequenceAndTheRestInShortOnes() {
        SyntheticTokens gen = SyntheticTokens.of(20_001).withKind(SyntheticTokens.Kind.MIX).withDv(2);
        long[] starts = gen.layout();
        assertEquals(0, starts[0]);
        assertEquals(10_001, starts[1]);
        assertEquals(20_001, starts[starts.length - 1]);
        for (int i = 1; i + 2 < starts.length; i++) { // every short sequence but the last
            long len = starts[i + 1] - starts[i];
            assertTrue(len >= 100 && len <= 2000, "short sequence " + i + " has " + len + " tokens");
        }
        ValidatedInput in = InputValidator.validate(gen.generate(spark, 3), ZetaColumns.defaults());
        assertEquals(20_001, in.rows());
        assertEquals(starts.length - 1, in.sequences());
        assertEquals(10_001, in.maxSequenceLength());
        assertEquals(3, in.d());
        assertEquals(2, in.dv());
    }

    @Test
    void generatedSchemaHoldsNoNulls() {
        Dataset<Row> df = SyntheticTokens.of(4).withDv(2).generate(spark, 2);
        assertEquals(SyntheticTokens.schema(), df.schema());
    }
}
