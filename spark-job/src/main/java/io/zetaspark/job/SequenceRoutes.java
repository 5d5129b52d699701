package io.zetaspark.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Where each sequence's rows go in the shuffle that the validation pass and the in-task engine
 * share. Sequences that fit one task ({@code n ≤ limit}) are packed whole into the shuffle's
 * partitions, largest first into the least loaded one (so one long sequence next to many short
 * ones does not share its task with half of them); longer sequences are spread over all partitions
 * by blocks of {@link #LONG_BLOCK} positions and run through the distributed plan. The route is a
 * long whose Spark hash (the one {@code repartition} uses) selects the planned partition.
 */
final class SequenceRoutes {
    /** Positions per block of a sequence too long for one task (equal (seq, pos) stay together). */
    static final long LONG_BLOCK = 65_536;

    private final Dataset<Row> frame;
    private final List<String> large;

    private SequenceRoutes(Dataset<Row> frame, List<String> large) {
        this.frame = frame;
        this.large = large;
    }

    /** (rs, route): one row per sequence that runs inside a task. */
    Dataset<Row> frame() {
        return frame;
    }

    /** Names (as strings) of the sequences longer than the limit. */
    List<String> large() {
        return large;
    }

    /**
     * @param perSeq rows (seq, n, ...) of every sequence; a null seq is left to the hash route (it is
     *               reported as an error anyway)
     */
    static SequenceRoutes pack(SparkSession spark, List<Row> perSeq, long limit, int partitions, DataType seqType) {
        List<Row> small = new ArrayList<>();
        List<String> large = new ArrayList<>();
        for (Row r : perSeq) {
            if (r.isNullAt(0)) {
                continue;
            }
            if (r.getLong(1) > limit) {
                large.add(String.valueOf(r.get(0)));
            } else {
                small.add(r);
            }
        }
        long[] ids = partitionIds(partitions);
        small.sort((a, b) -> Long.compare(b.getLong(1), a.getLong(1)));
        // least loaded partition first; ties by index, so the plan is deterministic
        PriorityQueue<long[]> bins = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int t = 0; t < partitions; t++) {
            bins.add(new long[] {0, t});
        }
        List<Row> routes = new ArrayList<>(small.size());
        for (Row r : small) {
            long[] bin = bins.poll();
            routes.add(RowFactory.create(r.get(0), ids[(int) bin[1]]));
            bin[0] += r.getLong(1);
            bins.add(bin);
        }
        StructType schema = new StructType().add("rs", seqType, false).add("route", DataTypes.LongType, false);
        Collections.sort(large);
        return new SequenceRoutes(spark.createDataFrame(routes, schema), large);
    }

    /**
     * For each partition t, a long whose hash sends a row to t under {@code repartition(partitions,
     * route)}: Spark's hash partitioning of one long column is {@code pmod(murmur3(route, seed 42), n)}
     * (SequenceRoutesTest checks it against spark_partition_id).
     */
    static long[] partitionIds(int partitions) {
        long[] ids = new long[partitions];
        Arrays.fill(ids, -1);
        int found = 0;
        for (long id = 0; found < partitions; id++) {
            int t = Math.floorMod(Murmur3_x86_32.hashLong(id, 42), partitions);
            if (ids[t] < 0) {
                ids[t] = id;
                found++;
            }
        }
        return ids;
    }
}
