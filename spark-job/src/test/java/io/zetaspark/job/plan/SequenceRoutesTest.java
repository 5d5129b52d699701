package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaInputException;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The shuffle plan of the in-task route: packing by size, splitting a long causal sequence, and its bytes. */
class SequenceRoutesTest {
    private static final ZetaParams SMALL = ZetaParams.defaults().withChunkSize(32).withWindow(8).withCurves(3).withK(8);

    @Test
    void partitionIdsLandWhereSparkHashesThem() {
        SparkSession spark = PlanFixtures.spark();
        long[] ids = SequenceRoutes.partitionIds(7);
        List<Row> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(RowFactory.create(id));
        }
        Dataset<Row> df = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("route",
                DataTypes.LongType)).repartition(7, col("route")).withColumn("task", spark_partition_id());
        for (Row r : df.collectAsList()) {
            int t = r.getInt(1);
            assertEquals(ids[t], r.getLong(0), "route of partition " + t);
        }
    }

    @Test
    void aLongCausalSequenceIsSplitIntoPartsAndTheRestPackedBySize() {
        SparkSession spark = PlanFixtures.spark();
        List<Row> perSeq = new ArrayList<>();
        perSeq.add(RowFactory.create("long", 3000L, 3, 4, 0L, 2999L));
        for (int i = 0; i < 6; i++) {
            perSeq.add(RowFactory.create("s" + i, 100L + i, 3, 4, 0L, 99L + i));
        }
        SequenceRoutes r = SequenceRoutes.pack(spark, perSeq, 10_000, 4, DataTypes.StringType, 4, 32, 500);
        List<Row> parts = r.frame().where(col("rs").equalTo(lit("long"))).orderBy("qfrom").collectAsList();
        assertEquals(4, parts.size(), parts.toString());
        assertEquals(Long.MIN_VALUE, parts.get(0).getLong(2));
        assertEquals(Long.MAX_VALUE, parts.get(3).getLong(3));
        for (int j = 1; j < 4; j++) {
            assertEquals(parts.get(j - 1).getLong(3), parts.get(j).getLong(2), "parts are contiguous");
            assertEquals(0, parts.get(j).getLong(2) % 32, "parts start at chunk edges");
        }
        assertEquals(List.of(), r.large());
        // a sequence over the limit goes to the distributed plan
        SequenceRoutes over = SequenceRoutes.pack(spark, perSeq, 1000, 4, DataTypes.StringType, 4, 32, 500);
        assertEquals(List.of("long"), over.large());
        // ... cut into 4 blocks per partition from its own range: positions 0..2999, 16 blocks of 188
        // positions rounded up to whole chunks of 32 (192), so that no chunk spans two partitions
        Row blocks = over.frame().where(col("rs").equalTo(lit("long"))).first();
        assertTrue(blocks.isNullAt(1), "a long sequence has no single route");
        assertEquals(0L, blocks.getLong(4));
        assertEquals(192L, blocks.getLong(5));
        assertEquals(List.of(0L, 192L, 0L), java.util.Arrays.stream(over.blocks().get("long")).boxed().toList());
        // a range that starts inside a chunk: the blocks start at that chunk's first position
        List<Row> offset = List.of(RowFactory.create("late", 3000L, 3, 4, 1000L, 3999L));
        long[] late = SequenceRoutes.pack(spark, offset, 1000, 4, DataTypes.StringType, 4, 32, 500).blocks().get("late");
        assertEquals(992L, late[0], "the chunk of position 1000 starts at 992");
        assertEquals(0, late[1] % 32);
        assertEquals(1, over.frame().where(col("rs").equalTo(lit("long"))).count());
        // bidirectional and exact runs are not split
        SequenceRoutes whole = SequenceRoutes.pack(spark, perSeq, 10_000, 4, DataTypes.StringType, 1, 32, 500);
        assertEquals(1, whole.frame().where(col("rs").equalTo(lit("long"))).count());
    }

    @Test
    void splitAndPackedRoutesEqualTheEngine() {
        SparkSession spark = PlanFixtures.spark();
        Map<String, TokenSequence> seqs = new HashMap<>();
        seqs.put("long", new TokenGenerator(TokenGenerator.Kind.TIES, 91, 3, 4).sequence(0, 3000, 1));
        seqs.put("gapped", PlanFixtures.withPositions(
                new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 92, 3, 4).sequence(0, 1200, 1), 1_700_000_000_000L, 50, 3));
        for (int i = 0; i < 5; i++) {
            seqs.put("s" + i, new TokenGenerator(TokenGenerator.Kind.CLUSTERED, 93 + i, 3, 4).sequence(0, 60 + 40 * i, 1));
        }
        List<Row> rows = new ArrayList<>();
        seqs.forEach((name, s) -> rows.addAll(PlanFixtures.rows(name, s)));
        for (ZetaParams params : new ZetaParams[] {SMALL, SMALL.withIncludeSelf(false), SMALL.withMeanSlot(false)}) {
            Map<String, Row> actual = PlanFixtures.withConf(() -> PlanFixtures.byKey(Zeta.attention(
                            PlanFixtures.frame(spark, rows, 3, 5), params)),
                    InputValidator.SMALL_INPUT_CONF, "0", SequenceRoutes.SPLIT_MIN_CONF, "500");
            List<String> bad = new ArrayList<>();
            seqs.forEach((name, s) -> bad.addAll(PlanFixtures.mismatches(name, new ZetaAttention(params).run(s), actual)));
            assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " mismatches");
            assertEquals(rows.size(), actual.size());
        }
    }

    @Test
    void badRowsOfASplitSequenceAreReportedOnce() {
        List<Row> rows = new ArrayList<>(PlanFixtures.rows("long",
                new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 94, 3, 4).sequence(0, 2000, 1)));
        rows.add(rows.get(10)); // a duplicate (seq, pos) early in the sequence: every later part reads it as a key
        String m = PlanFixtures.withConf(() -> {
            try {
                Zeta.attention(PlanFixtures.frame(PlanFixtures.spark(), rows, 2, 1), SMALL);
                return "no error";
            } catch (ZetaInputException e) {
                return e.getMessage();
            }
        }, InputValidator.SMALL_INPUT_CONF, "0", SequenceRoutes.SPLIT_MIN_CONF, "500");
        assertTrue(m.equals("column 'pos': seq=long pos=10: duplicate position: 2 rows have this (seq, pos)"), m);
    }

    @Test
    void aLongSequenceGoesToTheSitesWhenTheCoresMakeThemCheaper() {
        SparkSession spark = PlanFixtures.spark();
        List<Row> perSeq = List.of(RowFactory.create("long", 2_000_000L, 3, 4, 0L, 1_999_999L),
                RowFactory.create("mid", 500_000L, 3, 4, 0L, 499_999L));
        long limit = 5_000_000; // both fit a task
        // 16 cores: the in-task split takes 4 parts (T/4), the sites 1.7·T/16: the long one goes there
        SequenceRoutes wide = SequenceRoutes.pack(spark, perSeq, limit, 16, DataTypes.StringType, 16, 256, 65_536,
                new RouteCosts(1.7, 16, 8, 1L << 20));
        assertEquals(List.of("long"), wide.large());
        assertTrue(wide.blocks().containsKey("long"));
        // 6 cores: 1.7 / 6 > 1 / 4, and fewer than 8 cores anyway
        SequenceRoutes narrow = SequenceRoutes.pack(spark, perSeq, limit, 6, DataTypes.StringType, 6, 256, 65_536,
                new RouteCosts(1.7, 6, 8, 1L << 20));
        assertEquals(List.of(), narrow.large());
        // a sequence that cannot be split (bidirectional, one part) goes to the sites sooner
        SequenceRoutes whole = SequenceRoutes.pack(spark, perSeq, limit, 8, DataTypes.StringType, 1, 256, 65_536,
                new RouteCosts(1.7, 8, 8, 1L << 20));
        assertEquals(List.of("long"), whole.large());
    }
}
