package io.zetaspark.job.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Where each sequence's rows go in the shuffle that the validation pass and the in-task engine
 * share. Sequences that fit one task ({@code n ≤ limit}) are packed whole into the shuffle's
 * partitions, largest first into the least loaded one (so one long sequence next to many short
 * ones does not share its task with half of them); longer sequences are spread over all partitions
 * and run through the distributed plan: {@link #BLOCKS_PER_PARTITION} blocks per partition, cut
 * from the sequence's own position range and dealt round robin, so every task gets an equal share
 * of the range whatever its length or offset (rows of a null sequence fall back to hashed blocks of
 * {@link #LONG_BLOCK} positions). The route is a
 * long whose Spark hash (the one {@code repartition} uses) selects the planned partition. A causal
 * sequence that alone is larger than a fair share of the input and of at least {@link #SPLIT_MIN}
 * tokens is split into parts by position (queries [b_j, b_j+1) with all rows below b_j+1 as keys),
 * so that its parts run in parallel: the engine gives every part the bytes of the whole run.
 */
public final class SequenceRoutes {
    /** Positions per hashed block of the rows no route covers (a null seq: reported as an error anyway). */
    public static final long LONG_BLOCK = 65_536;
    /** Position blocks per partition of a sequence too long for one task (equal (seq, pos) stay together). */
    static final int BLOCKS_PER_PARTITION = 4;

    private final Dataset<Row> frame;
    private final List<String> large;
    /** The route of each partition ({@link #partitionIds}), shared by the packed units and {@link #blockRoute}. */
    private final long[] ids;

    /** Per sequence longer than a task: (blo, blen, boff) of its chunk-aligned position blocks. */
    private final java.util.Map<String, long[]> blocks;

    private SequenceRoutes(Dataset<Row> frame, List<String> large, long[] ids, java.util.Map<String, long[]> blocks) {
        this.frame = frame;
        this.large = large;
        this.ids = ids;
        this.blocks = blocks;
    }

    /**
     * Per sequence longer than a task, (blo, blen, boff): its row at position p is in partition
     * {@code (floor((p − blo) / blen) + boff) mod partitions}; blo and blen are multiples of the chunk
     * size, so a chunk never spans two partitions.
     */
    public java.util.Map<String, long[]> blocks() {
        return blocks;
    }

    /**
     * (rs, route, qfrom, qto, blo, blen, boff): one row per sequence, or per part of a split one, that
     * runs inside a task (route set, the block columns null); one row per sequence longer than a task
     * (route null): its row at position p goes to partition {@code (floor((p − blo) / blen) + boff) mod
     * partitions}, see {@link #blockRoute}.
     */
    public Dataset<Row> frame() {
        return frame;
    }

    /** Names (as strings) of the sequences longer than the limit. */
    public List<String> large() {
        return large;
    }

    /** A sequence shorter than this is never split: its part would be too small to pay for the copies. */
    public static final long SPLIT_MIN = 65_536;
    /** Spark conf key overriding {@link #SPLIT_MIN} (tests split small sequences with it). */
    public static final String SPLIT_MIN_CONF = "spark.zeta.localEngine.splitMinTokens";
    /** At most this many parts per sequence (part j needs the rows of parts 0..j as keys). */
    static final int MAX_PARTS = 4;

    /**
     * @param perSeq   rows (seq, n, ql, vl, min pos, max pos) of every sequence; a null seq is left to
     *                 the hash route (it is reported as an error anyway)
     * @param maxParts how many parts one sequence may be split into (the cores that can work on it;
     *                 1 for modes that cannot be split: bidirectional and exact)
     */
    public static SequenceRoutes pack(SparkSession spark, List<Row> perSeq, long limit, int partitions, DataType seqType,
                               int maxParts, long chunkSize, long splitMin) {
        return pack(spark, perSeq, limit, partitions, seqType, maxParts, chunkSize, splitMin, null);
    }

    /**
     * As {@link #pack(SparkSession, List, long, int, DataType, int, long, long)}; with {@code costs}, a
     * sequence that fits a task but is cheaper on the distributed plan's sites on this many cores
     * ({@link RouteCosts}) goes there too.
     */
    public static SequenceRoutes pack(SparkSession spark, List<Row> perSeq, long limit, int partitions, DataType seqType,
                               int maxParts, long chunkSize, long splitMin, RouteCosts costs) {
        List<Object[]> units = new ArrayList<>(); // seq, weight, qfrom, qto
        List<String> large = new ArrayList<>();
        java.util.Map<String, long[]> blocks = new java.util.HashMap<>();
        List<Row> routes = new ArrayList<>(perSeq.size());
        long offset = 0; // the next long sequence's first block starts where the previous one's ended
        long total = 0;
        for (Row r : perSeq) {
            total += r.getLong(1);
        }
        long fair = Math.max(1, total / Math.max(1, partitions));
        for (Row r : perSeq) {
            if (r.isNullAt(0)) {
                continue;
            }
            long n = r.getLong(1);
            if (n > limit || (costs != null && costs.sitesCheaper(n, Math.min(maxParts, MAX_PARTS)))) {
                large.add(String.valueOf(r.get(0)));
                if (!r.isNullAt(4) && !r.isNullAt(5)) {
                    // blocks of whole chunks: the distributed plan scores a query's own chunk where the
                    // chunk's block is
                    long lo = Math.floorDiv(r.getLong(4), chunkSize) * chunkSize;
                    long span = r.getLong(5) - lo; // positions are >= 0: no overflow
                    long blen = span / ((long) BLOCKS_PER_PARTITION * partitions) + 1;
                    blen = (blen + chunkSize - 1) / chunkSize * chunkSize;
                    int boff = (int) (offset % partitions);
                    routes.add(RowFactory.create(r.get(0), null, Long.MIN_VALUE, Long.MAX_VALUE, lo, blen, boff));
                    blocks.put(String.valueOf(r.get(0)), new long[] {lo, blen, boff});
                    offset += span / blen + 1;
                }
                continue;
            }
            int parts = (int) Math.min(Math.min(maxParts, MAX_PARTS), (n + fair - 1) / fair);
            if (parts < 2 || n < splitMin || r.isNullAt(4) || r.isNullAt(5)) {
                units.add(new Object[] {r.get(0), n, Long.MIN_VALUE, Long.MAX_VALUE});
                continue;
            }
            // a long causal sequence in parts (chunk-aligned position ranges): part j answers the queries
            // in [b_j, b_j+1) and reads every row below b_j+1 as a key. A later query costs a little
            // more (its level's sorted runs are larger, and the last part also codes and sorts every
            // key: the two halves of 4M Gaussian tokens took 42.9 s and 46.3 s on one thread, those of
            // 1M 9.2 s and 9.6 s), so the boundaries split a cost that grows linearly along the
            // sequence, not the positions, into equal shares
            long lo = r.getLong(4);
            long hi = r.getLong(5);
            long from = Long.MIN_VALUE;
            double prevShare = 0;
            for (int j = 1; j <= parts; j++) {
                double u = costQuantile(j / (double) parts);
                long to = j == parts ? Long.MAX_VALUE
                        : Math.floorDiv(lo + (long) ((hi - lo + 1.0) * u), chunkSize) * chunkSize;
                if (to <= Math.max(from, lo)) {
                    continue;
                }
                double end = Math.min(1.0, (Math.min(to, hi + 1.0) - lo) / (hi - lo + 1.0));
                double share = cost(end) / cost(1.0);
                double rows = n * end;
                units.add(new Object[] {r.get(0), (long) (n * (share - prevShare) + rows / 2), from, to});
                prevShare = share;
                from = to;
            }
        }
        long[] ids = partitionIds(partitions);
        units.sort((a, b) -> Long.compare((Long) b[1], (Long) a[1]));
        // least loaded partition first; ties by index, so the plan is deterministic
        PriorityQueue<long[]> bins = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int t = 0; t < partitions; t++) {
            bins.add(new long[] {0, t});
        }
        for (Object[] u : units) {
            long[] bin = bins.poll();
            routes.add(RowFactory.create(u[0], ids[(int) bin[1]], u[2], u[3], null, null, null));
            bin[0] += (Long) u[1];
            bins.add(bin);
        }
        StructType schema = new StructType().add("rs", seqType, false).add("route", DataTypes.LongType, true)
                .add("qfrom", DataTypes.LongType, false).add("qto", DataTypes.LongType, false)
                .add("blo", DataTypes.LongType, true).add("blen", DataTypes.LongType, true)
                .add("boff", DataTypes.IntegerType, true);
        Collections.sort(large);
        return new SequenceRoutes(spark.createDataFrame(routes, schema), large, ids, blocks);
    }

    /**
     * The route of a row of a sequence longer than a task, from the frame's block columns and the
     * row's position column {@code pos}: the id of partition {@code (floor((p − blo) / blen) + boff) mod
     * partitions} over the partitions this plan was packed for (null where the block columns are null).
     */
    public Column blockRoute(String pos) {
        Column[] lits = new Column[ids.length];
        for (int t = 0; t < ids.length; t++) {
            lits[t] = functions.lit(ids[t]);
        }
        Column block = functions.expr("(" + pos + " - blo) div blen");
        Column t = functions.pmod(block.plus(functions.col("boff")), functions.lit((long) ids.length));
        return functions.element_at(functions.array(lits), t.plus(1).cast(DataTypes.IntegerType));
    }

    /** Growth of a query's cost along a split sequence: from 1 at its start to 1 + LATE_COST at its end. */
    static final double LATE_COST = 0.15;

    /** Cost of the queries in the first fraction u of a sequence: ∫0^u (1 + LATE_COST·x) dx. */
    static double cost(double u) {
        return u + LATE_COST / 2 * u * u;
    }

    /** The fraction u of a sequence whose queries carry the share t of its cost (inverse of {@link #cost}). */
    static double costQuantile(double t) {
        double c = t * cost(1.0);
        return (-1 + Math.sqrt(1 + 2 * LATE_COST * c)) / LATE_COST;
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
