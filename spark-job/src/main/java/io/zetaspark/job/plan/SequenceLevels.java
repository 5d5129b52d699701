package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.zetaspark.job.plan.rows.TokenRow;
import io.zetaspark.kernels.NestedLevels;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the window stage needs to know of one sequence's nested levels ({@link NestedLevels}): the
 * chunk of its first token (levels are anchored there, so positions far from 0 get the same levels
 * as positions from 0) and the set of levels that hold queries, as a bit mask. A key is copied only
 * into levels that some query searches: one outlier position far after the rest adds one level,
 * not a copy of every key into every level in between. One small record per sequence; the plan
 * collects them for the sequences it runs distributed (at most n / localLimit of them).
 */
final class SequenceLevels implements Serializable {
    private static final long serialVersionUID = 1L;

    final long base;
    final long mask;

    SequenceLevels(long base, long mask) {
        this.base = base;
        this.mask = mask;
    }

    boolean hasLevel(int level) {
        return (mask >>> level & 1L) != 0;
    }

    /** Two aggregations over the tokens: first chunks, then the levels their queries search. */
    static Map<String, SequenceLevels> of(Dataset<TokenRow> tokens) {
        Map<String, Long> bases = new HashMap<>();
        for (Row r : tokens.groupBy("seq").agg(min(col("chunk"))).collectAsList()) {
            bases.put(r.getString(0), r.getLong(1));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(tokens.sparkSession().sparkContext());
        Broadcast<Map<String, Long>> bc = jsc.broadcast(bases);
        StructType schema = new StructType().add("seq", DataTypes.StringType, false).add("mask", DataTypes.LongType, false);
        Dataset<Row> partial = tokens.mapPartitions((MapPartitionsFunction<TokenRow, Row>) it ->
                partialMasks(it, bc.value()), Encoders.row(schema));
        Map<String, SequenceLevels> out = new HashMap<>();
        for (Row r : partial.groupBy("seq").agg(org.apache.spark.sql.functions.bit_or(col("mask"))).collectAsList()) {
            out.put(r.getString(0), new SequenceLevels(bases.get(r.getString(0)), r.getLong(1)));
        }
        bc.destroy();
        return out;
    }

    private static Iterator<Row> partialMasks(Iterator<TokenRow> it, Map<String, Long> bases) {
        Map<String, long[]> masks = new HashMap<>();
        while (it.hasNext()) {
            TokenRow t = it.next();
            long base = bases.get(t.getSeq());
            masks.computeIfAbsent(t.getSeq(), s -> new long[1])[0] |= 1L << NestedLevels.queryLevel(t.getChunk() - base);
        }
        List<Row> rows = new ArrayList<>(masks.size());
        masks.forEach((s, m) -> rows.add(RowFactory.create(s, m[0])));
        return rows.iterator();
    }
}
