package io.zetaspark.job.plan;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Builds input DataFrames from in-memory sequences and compares plan output with engine output. */
final class PlanFixtures {
    static final StructType SCHEMA = SyntheticTokens.schema();

    private PlanFixtures() {
    }

    static SparkSession spark() {
        return SparkTestSession.get();
    }

    /** Runs {@code body} with the given session confs set ("key", "value", ...), restoring them after. */
    static <T> T withConf(java.util.function.Supplier<T> body, String... keyValues) {
        SparkSession spark = spark();
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            before.put(keyValues[i], spark.conf().get(keyValues[i], null));
            spark.conf().set(keyValues[i], keyValues[i + 1]);
        }
        try {
            return body.get();
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    spark.conf().unset(key);
                } else {
                    spark.conf().set(key, value);
                }
            });
        }
    }

    /** The plan's output, collected by "seq/pos", with every sequence routed through the distributed plan. */
    static Map<String, Row> distributed(Dataset<Row> input, io.zetaspark.kernels.ZetaParams params) {
        return withConf(() -> byKey(ZetaPlan.transform(input, params, ZetaColumns.defaults())),
                ZetaPlan.LOCAL_MAX_TOKENS_CONF, "0");
    }

    /** {@code s} with every token's q and k set to token 0's query: one word repeated over the whole sequence. */
    static TokenSequence oneWord(TokenSequence s) {
        int d = s.d();
        float[] q = new float[s.size() * d];
        for (int i = 0; i < s.size(); i++) {
            System.arraycopy(s.q(), 0, q, i * d, d);
        }
        return TokenSequence.of(s.pos(), q, q.clone(), s.v(), d, s.dv());
    }

    /**
     * A copy of {@code s} whose positions start at {@code start} and advance by seeded random gaps of
     * 1..{@code maxGap} (order and vectors unchanged).
     */
    static TokenSequence withPositions(TokenSequence s, long start, int maxGap, long seed) {
        Random r = new Random(seed);
        long[] pos = new long[s.size()];
        long p = start;
        for (int i = 0; i < pos.length; i++) {
            pos[i] = p;
            p += 1 + r.nextInt(maxGap);
        }
        return TokenSequence.of(pos, s.q(), s.k(), s.v(), s.d(), s.dv());
    }

    static List<Row> rows(String seq, TokenSequence s) {
        int d = s.d();
        int dv = s.dv();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            rows.add(RowFactory.create(seq, s.pos()[i], Arrays.copyOfRange(s.q(), i * d, i * d + d),
                    Arrays.copyOfRange(s.k(), i * d, i * d + d), Arrays.copyOfRange(s.v(), i * dv, i * dv + dv)));
        }
        return rows;
    }

    /** A DataFrame of the given rows in a seeded random order over the given number of partitions. */
    static Dataset<Row> frame(SparkSession spark, List<Row> rows, int partitions, long shuffleSeed) {
        List<Row> copy = new ArrayList<>(rows);
        if (shuffleSeed != 0) {
            Collections.shuffle(copy, new Random(shuffleSeed));
        }
        return spark.createDataFrame(copy, SCHEMA).repartition(partitions);
    }

    /** Output rows keyed by "seq/pos". */
    static Map<String, Row> byKey(Dataset<Row> out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : out.collectAsList()) {
            m.put(r.getAs("seq") + "/" + r.getAs("pos"), r);
        }
        return m;
    }

    static float[] floats(Row r, String col) {
        List<Object> l = r.getList(r.fieldIndex(col));
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (Float) l.get(i);
        }
        return f;
    }

    static long[] longs(Row r, String col) {
        List<Object> l = r.getList(r.fieldIndex(col));
        long[] f = new long[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (Long) l.get(i);
        }
        return f;
    }

    /** Asserts the plan's rows for one sequence equal the engine's result bit for bit; returns mismatches. */
    static List<String> mismatches(String seq, AttentionResult expected, Map<String, Row> actual) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            long p = expected.pos[i];
            Row r = actual.get(seq + "/" + p);
            if (r == null) {
                bad.add(seq + "/" + p + ": missing");
                continue;
            }
            long[] nbr = longs(r, "nbr_pos");
            long[] exp = expected.selection.positionsOf(i);
            if (!Arrays.equals(nbr, exp)) {
                bad.add(seq + "/" + p + ": nbr_pos " + Arrays.toString(nbr) + " expected " + Arrays.toString(exp));
                continue;
            }
            if (!Arrays.equals(floats(r, "out"), expected.outOf(i))) {
                bad.add(seq + "/" + p + ": out " + Arrays.toString(floats(r, "out")) + " expected "
                        + Arrays.toString(expected.outOf(i)));
                continue;
            }
            if (!Arrays.equals(floats(r, "nbr_w"), expected.weightsOf(i))) {
                bad.add(seq + "/" + p + ": nbr_w differs");
                continue;
            }
            double nn = r.getAs("nn_dist");
            if (Double.doubleToLongBits(nn) != Double.doubleToLongBits(expected.nnDist[i])) {
                bad.add(seq + "/" + p + ": nn_dist " + nn + " expected " + expected.nnDist[i]);
            }
        }
        if (actual.size() < expected.size()) {
            bad.add("fewer rows than tokens");
        }
        return bad;
    }
}
