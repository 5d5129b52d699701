package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.rows.CandRow;
import io.zetaspark.job.plan.rows.TokenRow;
import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.TopK;
import io.zetaspark.kernels.ZetaParams;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * How approximate a run is, measured on the cluster (STYLE.md: the oracle and the evaluator are
 * first-class stages): a seeded sample of queries gets its exact top-k by a distributed brute force
 * over all keys of its sequence, its exact outputs through the same merge/gather/final stages as
 * the operator, and the kernels' {@link RecallEvaluator} compares them with the operator's output
 * (recall@k with ties counted as correct, relative L2 error of {@code out}).
 */
public final class ZetaEvaluation {
    private ZetaEvaluation() {
    }

    /** One sampled query, broadcast to every executor. */
    static final class SampleQuery implements Serializable {
        private static final long serialVersionUID = 1L;
        final long pos;
        final float[] q;

        SampleQuery(long pos, float[] q) {
            this.pos = pos;
            this.q = q;
        }
    }

    /**
     * Evaluates {@code output} (the operator's result on {@code input} with the given params; it must
     * hold the {@code out} and {@code nbr_pos} columns named by cols) on {@code sample} seeded queries.
     */
    public static RecallEvaluator evaluate(Dataset<Row> input, Dataset<Row> output, ZetaParams params,
                                           ZetaColumns cols, int sample, long seed) {
        if (cols.nbrPos().isEmpty()) {
            throw new IllegalArgumentException("evaluation needs the nbr_pos output column");
        }
        ZetaPlan.Prepared p = ZetaPlan.prepare(input, params, cols);
        int d = p.d;
        List<Row> picked = p.tokens.toDF()
                .withColumn("h", xxhash64(col("seq"), col("pos"), lit(seed)))
                .orderBy(col("h"), col("seq"), col("pos"))
                .limit(sample)
                .select("seq", "pos", "chunk", "q")
                .collectAsList();
        Map<String, List<SampleQuery>> bySeq = new HashMap<>();
        List<Row> keys = new ArrayList<>();
        for (Row r : picked) {
            bySeq.computeIfAbsent(r.getString(0), s -> new ArrayList<>())
                    .add(new SampleQuery(r.getLong(1), floats(r.getList(3))));
            keys.add(org.apache.spark.sql.RowFactory.create(r.getString(0), r.getLong(1), r.getLong(2)));
        }
        RecallEvaluator ev = new RecallEvaluator();
        if (picked.isEmpty()) {
            return ev;
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(input.sparkSession().sparkContext());
        Broadcast<Map<String, List<SampleQuery>>> bc = jsc.broadcast(bySeq);
        int k = params.k();
        long m = params.chunkSize();
        boolean causal = params.causal();
        Dataset<CandRow> exactFar = p.tokens.mapPartitions((MapPartitionsFunction<TokenRow, CandRow>) it ->
                bruteForce(it, bc.value(), d, k, m, causal), Encoders.bean(CandRow.class));

        Dataset<Row> sampleKeys = input.sparkSession().createDataFrame(keys, new org.apache.spark.sql.types.StructType()
                .add("seq", "string").add("pos", "long").add("chunk", "long"));
        Dataset<TokenRow> chunkTokens = p.tokens.join(sampleKeys.select("seq", "chunk").distinct(),
                ZetaPlan.names("seq", "chunk"), "left_semi").as(Encoders.bean(TokenRow.class));
        Dataset<Row> exactOut = ZetaPlan.finish(p, exactFar, chunkTokens, ZetaColumns.defaults())
                .withColumn("seq", col("seq").cast("string"))
                .join(sampleKeys.select("seq", "pos"), ZetaPlan.names("seq", "pos"), "left_semi");
        Dataset<Row> approxOut = output.select(col(cols.seq()).cast("string").as("seq"), col(cols.pos()).as("pos"),
                        col(cols.out()).as("out"), col(cols.nbrPos()).as("nbr_pos"))
                .join(sampleKeys.select("seq", "pos"), ZetaPlan.names("seq", "pos"), "left_semi");

        Map<String, Row> exact = keyed(exactOut.select("seq", "pos", "out", "nbr_pos").collectAsList());
        Map<String, Row> approx = keyed(approxOut.collectAsList());
        // the key vectors of every neighbour named by either side, to measure distances
        Dataset<Row> named = exactOut.select(col("seq"), explode(col("nbr_pos")).as("pos"))
                .union(approxOut.select(col("seq"), explode(col("nbr_pos")).as("pos"))).distinct();
        Map<String, float[]> keyVec = new HashMap<>();
        for (Row r : p.tokens.toDF().join(named, ZetaPlan.names("seq", "pos"), "left_semi")
                .select("seq", "pos", "k").collectAsList()) {
            keyVec.put(r.getString(0) + "/" + r.getLong(1), floats(r.getList(2)));
        }
        for (Map.Entry<String, List<SampleQuery>> e : bySeq.entrySet()) {
            for (SampleQuery sq : e.getValue()) {
                String key = e.getKey() + "/" + sq.pos;
                Row a = approx.get(key);
                Row x = exact.get(key);
                if (a == null || x == null) {
                    throw new IllegalStateException("evaluation lost query " + key + " (approximate "
                            + (a != null) + ", exact " + (x != null) + ")");
                }
                double[] ad = distances(e.getKey(), sq.q, a.getList(3), keyVec, d);
                double[] xd = distances(e.getKey(), sq.q, x.getList(3), keyVec, d);
                float[] ao = floats(a.getList(2));
                float[] xo = floats(x.getList(2));
                ev.add(ad, 0, ad.length, sortedCopy(xd), 0, xd.length, ao, 0, xo, 0, ao.length);
            }
        }
        return ev;
    }

    private static double[] sortedCopy(double[] a) {
        double[] c = a.clone();
        java.util.Arrays.sort(c);
        return c;
    }

    private static double[] distances(String seq, float[] q, List<Object> nbr, Map<String, float[]> keyVec, int d) {
        double[] out = new double[nbr.size()];
        for (int j = 0; j < out.length; j++) {
            float[] kv = keyVec.get(seq + "/" + nbr.get(j));
            out[j] = Distances.squared(q, 0, kv, 0, d);
        }
        return out;
    }

    private static Map<String, Row> keyed(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) {
            m.put(r.getString(0) + "/" + r.getLong(1), r);
        }
        return m;
    }

    static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    /** Per partition of tokens: each sampled query's best k keys outside its own chunk among this partition's keys. */
    static Iterator<CandRow> bruteForce(Iterator<TokenRow> keys, Map<String, List<SampleQuery>> bySeq, int d, int k,
                                        long m, boolean causal) {
        Map<String, TopK[]> tops = new HashMap<>();
        while (keys.hasNext()) {
            TokenRow t = keys.next();
            List<SampleQuery> qs = bySeq.get(t.getSeq());
            if (qs == null) {
                continue;
            }
            TopK[] heaps = tops.computeIfAbsent(t.getSeq(), s -> new TopK[qs.size()]);
            long kp = t.getPos();
            for (int i = 0; i < qs.size(); i++) {
                SampleQuery sq = qs.get(i);
                long cutLo = (sq.pos / m) * m;
                boolean far = kp < cutLo || (!causal && kp >= cutLo + m);
                if (!far) {
                    continue;
                }
                if (heaps[i] == null) {
                    heaps[i] = new TopK(k);
                }
                double dist = Distances.squared(sq.q, 0, t.getK(), 0, d);
                if (heaps[i].accepts(dist, kp)) {
                    heaps[i].offer(dist, kp, 0);
                }
            }
        }
        List<CandRow> out = new ArrayList<>();
        for (Map.Entry<String, TopK[]> e : tops.entrySet()) {
            List<SampleQuery> qs = bySeq.get(e.getKey());
            TopK[] heaps = e.getValue();
            for (int i = 0; i < heaps.length; i++) {
                if (heaps[i] == null) {
                    continue;
                }
                int n = heaps[i].size();
                double[] dist = new double[n];
                long[] pos = new long[n];
                heaps[i].drainSorted(dist, pos, null, 0);
                CandRow c = new CandRow();
                c.setSeq(e.getKey());
                c.setPos(qs.get(i).pos);
                c.setDist(dist);
                c.setKpos(pos);
                out.add(c);
            }
        }
        return out.iterator();
    }
}
