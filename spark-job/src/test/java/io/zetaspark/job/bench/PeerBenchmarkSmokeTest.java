package io.zetaspark.job.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.Zeta;
import io.zetaspark.job.data.SyntheticTokens;
import io.zetaspark.kernels.ZetaParams;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The peer benchmark on tiny sizes (it cannot rot), and the peer's SQL against ZETA's exact mode (it is a fair peer). */
class PeerBenchmarkSmokeTest {
    @Test
    void thePeerComputesTheExactCausalTopKAttention() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> tokens = SyntheticTokens.of(400).withSequences(2).withDv(16).generate(spark, 2);
        tokens.createOrReplaceTempView("peer_tokens");
        ZetaParams exact = ZetaParams.defaults().withK(8).withExact(true).withMeanSlot(false);
        Map<String, Row> oracle = new HashMap<>();
        for (Row r : Zeta.attention(tokens, exact).collectAsList()) {
            oracle.put(r.getString(0) + "/" + r.getLong(1), r);
        }
        List<Row> peer = spark.sql(PeerBenchmark.peerSql("peer_tokens", 8, 3, 16, exact.gamma(), true)).collectAsList();
        assertEquals(400, peer.size());
        for (Row r : peer) {
            Row o = oracle.get(r.getString(0) + "/" + r.getLong(1));
            assertEquals(o.getList(o.fieldIndex("nbr_pos")), r.getList(r.fieldIndex("nbr_pos")), "selection of " + r);
            List<Float> a = r.getList(r.fieldIndex("out"));
            List<Float> b = o.getList(o.fieldIndex("out"));
            float[] fa = new float[a.size()];
            float[] fb = new float[b.size()];
            for (int i = 0; i < fa.length; i++) {
                fa[i] = a.get(i);
                fb[i] = b.get(i);
            }
            assertArrayEquals(fb, fa, 1e-4f, "out of " + r);
        }
    }

    @Test
    void smokeRunProducesTheTable() throws Exception {
        String md = PeerBenchmark.run(SparkTestSession.get(), new long[] {128, 256}, 120, 1);
        assertTrue(md.contains("| 256 |"), md);
        assertTrue(md.contains("NEAREST BY / ZETA"), md);
        assertTrue(md.contains("Growth exponents"), md);
        String knn = PeerBenchmark.bidirectional(SparkTestSession.get(), new long[] {300}, 120, 40);
        // NEAREST BY is exact: its recall must be 1 (a check that can fail)
        assertTrue(knn.matches("(?s).*\\| 300 \\| [0-9.]+ \\| [01]\\.\\d{4} \\| [0-9.]+ \\| [01]\\.\\d{4} \\| [0-9.]+ \\| [0-9.]+ \\| 1\\.0000 \\|.*"), knn);
    }
}
