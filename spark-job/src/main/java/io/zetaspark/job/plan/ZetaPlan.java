package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.ValidatedInput;
import io.zetaspark.job.plan.rows.BlockRow;
import io.zetaspark.job.plan.rows.BlockToken;
import io.zetaspark.job.plan.rows.CandRow;
import io.zetaspark.job.plan.rows.ChunkSumRow;
import io.zetaspark.job.plan.rows.GroupRow;
import io.zetaspark.job.plan.rows.OutRow;
import io.zetaspark.job.plan.rows.RoutedRows;
import io.zetaspark.job.plan.rows.TokenRow;
import io.zetaspark.job.plan.sites.SitePlan;
import io.zetaspark.kernels.ZetaParams;
import io.zetaspark.kernels.gpu.EngineChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The operator on Spark (DESIGN.md §2), reproducing {@link io.zetaspark.kernels.ZetaAttention} bit
 * for bit on any partitioning. It takes the validation pass's shuffle ({@link
 * io.zetaspark.job.io.InputValidator}) and sends each sequence one of two ways:
 * <ul>
 *   <li>a sequence that fits one task runs the in-memory engine inside it ({@link LocalEngineStage};
 *       a long causal one split into parts that run side by side, {@link SequenceRoutes});</li>
 *   <li>a longer one runs the distributed plan ({@link SitePlan}): every partition is a site that
 *       holds position blocks, a range of each curve's (code, pos) order and the homes of the queries
 *       in its curve-0 range; windows run where their keys are, walks that leave a site continue in
 *       the sites they need, and each home merges its queries' candidates, fetches the few values
 *       held elsewhere and computes the outputs.</li>
 * </ul>
 * Exact mode's distributed route (a sequence over {@link #EXACT_LOCAL_MAX} tokens) is a blocked
 * brute force by token rank ({@link BlockScan}) with a merge, a value join, the mean slot's
 * aggregates and a per-chunk final stage ({@link MergeStage}, {@link MeanSlotStages},
 * {@link FinalStage}); the distributed evaluator reuses those stages. No step collects a sequence
 * to the driver.
 */
public final class ZetaPlan {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ZetaPlan.class);
    /** Tokens per brute-force block in exact mode (any value gives the same answer). */
    static final long EXACT_BLOCK = 4096;

    private ZetaPlan() {
    }

    private static <T> Encoder<T> bean(Class<T> c) {
        return Encoders.bean(c);
    }

    /**
     * Runs the operator over a validated input (columns named by {@code cols}: seq string or long,
     * pos long, q/k array&lt;float&gt; of length d, v array&lt;float&gt; of length dv). Returns
     * {@code seq, pos, out[, nbr_pos][, nbr_w][, nn_dist]}. Small jobs run on the way (the shapes of
     * the input, and the distributed plan's steps up to its outputs); the returned Dataset is otherwise lazy.
     */
    public static Dataset<Row> transform(Dataset<Row> input, ZetaParams params, ZetaColumns cols) {
        return transform(input, params, cols, -1L);
    }

    /** As {@link #transform(Dataset, ZetaParams, ZetaColumns)}, knowing the longest sequence's token count (or -1). */
    static Dataset<Row> transform(Dataset<Row> input, ZetaParams params, ZetaColumns cols, long longest) {
        String device = input.sparkSession().conf().get(DEVICE_CONF, "auto");
        return transform(input, params, cols, EngineChoice.parse(device), longest);
    }

    /** Spark conf key of the window-stage engine: auto (default), cpu or gpu. */
    public static final String DEVICE_CONF = "spark.zeta.device";

    /**
     * As {@link #transform(Dataset, ZetaParams, ZetaColumns)} with an explicit window-stage engine:
     * {@code cpu}, {@code gpu} (tasks fail with the reason when their executor has no usable GPU)
     * or {@code auto} (the GPU where it works, else the CPU; each executor logs its decision once).
     */
    public static Dataset<Row> transform(Dataset<Row> input, ZetaParams params, ZetaColumns cols, EngineChoice engine) {
        return transform(input, params, cols, engine, -1L);
    }

    /**
     * Spark conf key: the longest sequence (in tokens) that runs the in-memory engine inside one task
     * instead of the distributed plan. {@code auto} (default) sizes it from the task's heap share and
     * {@link LocalEngineStage#bytesPerToken}; {@code 0} sends every sequence through the distributed
     * plan. Either way the bytes are the same: the distributed plan reproduces the engine.
     */
    public static final String LOCAL_MAX_TOKENS_CONF = "spark.zeta.localEngine.maxTokens";

    /** Exact mode is O(n²) per sequence: above this many tokens the blocked brute force spreads it over tasks. */
    static final long EXACT_LOCAL_MAX = 65_536;

    /**
     * As {@link #transform(Dataset, ZetaParams, ZetaColumns, EngineChoice)}; {@code longest} is the
     * longest sequence's token count when the caller knows it (the validation pass counts it), or
     * -1, when it costs one aggregation to learn which sequences are too long for one task.
     */
    static Dataset<Row> transform(Dataset<Row> input, ZetaParams params, ZetaColumns cols, EngineChoice engine,
                                  long longest) {
        return tracked(() -> build(input, params, cols, engine, longest));
    }

    /** Builds a plan while {@link PlanResources} collects the caches and broadcasts it creates. */
    private static Dataset<Row> tracked(java.util.function.Supplier<Dataset<Row>> plan) {
        PlanResources before = PlanResources.begin();
        Dataset<Row> result = null;
        try {
            result = plan.get();
            return result;
        } finally {
            PlanResources.end(result, before);
        }
    }

    private static Dataset<Row> build(Dataset<Row> input, ZetaParams params, ZetaColumns cols, EngineChoice engine,
                                      long longest) {
        if (!params.exact()) {
            // validated and routed for these parameters, then the sites (or the in-task engine)
            return build(io.zetaspark.job.io.InputValidator.validate(input, cols, params), params, cols);
        }
        Prepared p = prepare(input, params, cols);
        long limit = engine == EngineChoice.GPU ? 0 : localLimit(input.sparkSession(), params, p.d, p.dv);
        List<String> large = limit <= 0 ? null : longSequences(p.tokens, limit, longest);
        Dataset<OutRow> out;
        if (large != null && large.isEmpty()) {
            out = local(p.tokens, p);
        } else {
            Dataset<TokenRow> distributed = p.tokens;
            Dataset<OutRow> small = null;
            if (large != null) {
                Column isLarge = col("seq").isin(large.toArray());
                distributed = p.tokens.where(isLarge);
                small = local(p.tokens.where(functions.not(isLarge)), p);
            }
            out = distributedRows(new Prepared(distributed, params, p.seqType, p.d, p.dv, p.partitions), engine);
            if (small != null) {
                out = out.union(small);
            }
        }
        return project(out, p.seqType, cols);
    }

    /**
     * The plan over a validated input, reusing the validation pass's shuffle: sequences that fit a
     * task run the in-memory engine on the partitions as they are (whole and sorted already); the
     * long ones are taken from the same shuffle output into the distributed plan. Falls back to the
     * general path when the validation was routed for other parameters or the GPU is requested.
     */
    public static Dataset<Row> transform(ValidatedInput in, ZetaParams params, ZetaColumns cols) {
        return tracked(() -> build(in, params, cols));
    }

    private static Dataset<Row> build(ValidatedInput in, ZetaParams params, ZetaColumns cols) {
        SparkSession spark = in.dataset().sparkSession();
        EngineChoice engine = EngineChoice.parse(spark.conf().get(DEVICE_CONF, "auto"));
        ValidatedInput.Routed r = in.routed();
        int d = in.d();
        int dv = in.dv();
        if (r == null || localLimit(spark, params, d, dv) != r.limit
                || (r.chunkSize != 0 && r.chunkSize % params.chunkSize() != 0)) {
            return transform(in.dataset(), params, cols, engine, in.maxSequenceLength());
        }
        params.checkDims(d);
        JavaRDD<InternalRow> sorted = r.sorted;
        boolean longSeq = r.longSeq;
        java.util.Set<String> large = new java.util.HashSet<>(r.large);
        DataType seqType = in.dataset().schema().apply(cols.seq()).dataType();
        int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200"));
        long m = params.chunkSize();
        Dataset<Row> out = null;
        if (large.size() < in.sequences()) {
            Map<String, Long> counts = r.counts;
            Broadcast<Map<String, Long>> bc = PlanResources.broadcast(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(counts));
            // Spark's own rows straight from the engine's cursor (no bean, no serializer, no cast),
            // under the schema that the bean path's projection gives (the same columns, types and
            // nullability, so that the two paths' rows union)
            JavaRDD<InternalRow> local = sorted.mapPartitions(it ->
                    LocalEngineStage.runRoutedRows(it, params, d, dv, bc.value(), longSeq, large, cols));
            org.apache.spark.sql.types.StructType schema =
                    project(spark.emptyDataset(bean(OutRow.class)), seqType, cols).schema();
            out = ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(local.rdd(), schema, false);
        }
        if (!large.isEmpty() && !params.exact()) {
            // the sites: the distributed plan on the validation shuffle's own blocks
            JavaRDD<InternalRow> rows = SitePlan.run(spark, sorted, longSeq, r.large, r.counts, r.blocks, params, d, dv,
                    cols);
            org.apache.spark.sql.types.StructType schema =
                    project(spark.emptyDataset(bean(OutRow.class)), seqType, cols).schema();
            Dataset<Row> dist = ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(),
                    schema, false);
            out = out == null ? dist : out.union(dist);
        } else if (!large.isEmpty()) {
            JavaRDD<TokenRow> longRows = sorted.mapPartitions(it -> RoutedRows.tokens(it, longSeq, large, m, d, dv));
            // the distributed plan's jobs read its tokens about seven times: cached once (released with
            // the result) instead of re-reading and re-sorting the validation shuffle each time
            Dataset<TokenRow> tokens = PlanResources.cache(spark.createDataset(longRows.rdd(), bean(TokenRow.class))
                    .persist(StorageLevel.MEMORY_AND_DISK()));
            Dataset<Row> dist = project(distributedRows(new Prepared(tokens, params, seqType, d, dv, partitions),
                    engine), seqType, cols);
            out = out == null ? dist : out.union(dist);
        }
        return out;
    }

    /**
     * Exact mode's distributed route (sequences too long for one task): the blocked brute force's
     * candidates, then merge, gather, mean slot and the final per-chunk stage. The approximate
     * operator runs through the sites ({@link SitePlan}).
     */
    private static Dataset<OutRow> distributedRows(Prepared p, EngineChoice engine) {
        if (!p.params.exact()) {
            throw new IllegalStateException("the approximate operator runs through the sites (SitePlan)");
        }
        return finishRows(p, exactCandidates(p.tokens, p.params, p.d, p.partitions, engine), p.tokens);
    }

    /** The sequences (names) longer than {@code limit} tokens: none when the known longest fits. */
    private static List<String> longSequences(Dataset<TokenRow> tokens, long limit, long longest) {
        if (longest >= 0 && longest <= limit) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        // at most n / limit rows reach the driver: one name per sequence too long for a task
        for (Row r : tokens.groupBy("seq").count().where(col("count").gt(limit)).select("seq").collectAsList()) {
            names.add(r.getString(0));
        }
        return names;
    }

    /**
     * The longest sequence that runs inside one task: {@link #LOCAL_MAX_TOKENS_CONF}, or with
     * {@code auto} 40% of a task's heap share (Spark's user-memory fraction) over the engine's bytes
     * per token; exact mode at most {@link #EXACT_LOCAL_MAX}.
     */
    public static long localLimit(SparkSession spark, ZetaParams params, int d, int dv) {
        if (!params.exact() && EngineChoice.parse(spark.conf().get(DEVICE_CONF, "auto")) == EngineChoice.GPU) {
            return 0; // the GPU runs the sites' window stage: every sequence goes through the distributed plan
        }
        String setting = spark.conf().get(LOCAL_MAX_TOKENS_CONF, "auto").trim();
        long limit;
        if (setting.equalsIgnoreCase("auto")) {
            org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
            long heap;
            int slots;
            int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
            if (spark.sparkContext().isLocal()) {
                heap = Runtime.getRuntime().maxMemory();
                slots = Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
            } else {
                heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
                slots = Math.max(1, conf.getInt("spark.executor.cores", 1) / taskCpus);
            }
            limit = (long) (heap * 0.4 / slots) / LocalEngineStage.bytesPerToken(params, d, dv);
        } else {
            try {
                limit = Long.parseLong(setting);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(LOCAL_MAX_TOKENS_CONF + " must be auto or a token count, got '"
                        + setting + "'");
            }
        }
        return params.exact() ? Math.min(limit, EXACT_LOCAL_MAX) : limit;
    }

    /** Sequences that fit one task: hash-partitioned by seq, sorted by (seq, pos), one engine run per sequence. */
    private static Dataset<OutRow> local(Dataset<TokenRow> tokens, Prepared p) {
        ZetaParams params = p.params;
        int d = p.d;
        int dv = p.dv;
        return tokens.repartition(p.partitions, col("seq"))
                .sortWithinPartitions("seq", "pos")
                .mapPartitions((MapPartitionsFunction<TokenRow, OutRow>) it -> LocalEngineStage.run(it, params, d, dv, null),
                        bean(OutRow.class));
    }

    /** The validated input as token rows, with the shapes the stages need. */
    static final class Prepared {
        final Dataset<TokenRow> tokens;
        final ZetaParams params;
        final DataType seqType;
        final int d;
        final int dv;
        final int partitions;

        Prepared(Dataset<TokenRow> tokens, ZetaParams params, DataType seqType, int d, int dv, int partitions) {
            this.tokens = tokens;
            this.params = params;
            this.seqType = seqType;
            this.d = d;
            this.dv = dv;
            this.partitions = partitions;
        }
    }

    static Prepared prepare(Dataset<Row> input, ZetaParams params, ZetaColumns cols) {
        SparkSession spark = input.sparkSession();
        DataType seqType = input.schema().apply(cols.seq()).dataType();
        Row[] shape = (Row[]) input.select(size(col(cols.q())), size(col(cols.v()))).head(1);
        int d = shape.length == 0 ? 1 : shape[0].getInt(0);
        int dv = shape.length == 0 ? 1 : shape[0].getInt(1);
        params.checkDims(d);
        int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200"));
        long m = params.chunkSize();
        Dataset<TokenRow> tokens = input.select(
                        col(cols.seq()).cast(DataTypes.StringType).as("seq"),
                        col(cols.pos()).cast(DataTypes.LongType).as("pos"),
                        expr("CAST(`" + cols.pos() + "` AS BIGINT) div " + m).as("chunk"),
                        col(cols.q()).as("q"), col(cols.k()).as("k"), col(cols.v()).as("v"), lit(0L).as("queryFrom"))
                .as(bean(TokenRow.class));
        return new Prepared(tokens, params, seqType, d, dv, partitions);
    }

    /**
     * Stages 4–7 for a given source of far candidates (per query, keys outside its own chunk): merge,
     * gather, mean slot, final per-chunk stage. Outputs are produced for the tokens of
     * {@code queryTokens} (all tokens, or a subset for evaluation), with the mean slot built over all
     * tokens.
     */
    static Dataset<Row> finish(Prepared p, Dataset<CandRow> far, Dataset<TokenRow> queryTokens, ZetaColumns cols) {
        return project(finishRows(p, far, queryTokens), p.seqType, cols);
    }

    static Dataset<OutRow> finishRows(Prepared p, Dataset<CandRow> far, Dataset<TokenRow> queryTokens) {
        ZetaParams params = p.params;
        int partitions = p.partitions;
        int d = p.d;
        int dv = p.dv;
        long m = params.chunkSize();
        Dataset<TokenRow> tokens = p.tokens;
        Dataset<CandRow> merged = far.repartition(partitions, col("seq"), col("pos"))
                .sortWithinPartitions("pos", "seq") // a long first: Spark's sort compares its prefix cheaply
                .mapPartitions((MapPartitionsFunction<CandRow, CandRow>) it -> MergeStage.merge(it, params.k()),
                        bean(CandRow.class));

        Dataset<Row> requests = merged.flatMap((FlatMapFunction<CandRow, Row>) c -> explode(c, m).iterator(),
                Encoders.row(new org.apache.spark.sql.types.StructType()
                        .add("seq", DataTypes.StringType, false)
                        .add("chunk", DataTypes.LongType, false)
                        .add("qpos", DataTypes.LongType, false)
                        .add("rank", DataTypes.IntegerType, false)
                        .add("dist", DataTypes.DoubleType, false)
                        .add("kpos", DataTypes.LongType, false)));
        Dataset<Row> gathered = requests
                .join(tokens.select(col("seq"), col("pos").as("kpos"), col("v")), names("seq", "kpos"));

        // the three inputs of the final stage as one union of GroupRow-shaped columns, built with
        // Catalyst projections (no per-row Java objects until the final stage itself)
        List<Dataset<Row>> parts = new ArrayList<>();
        if (params.meanSlot()) {
            parts.add(groupColumns(offsets(tokens, params, d, dv, partitions).toDF()));
        }
        parts.add(groupColumns(queryTokens.toDF().withColumn("tag", lit(1))));
        parts.add(groupColumns(gathered.withColumnRenamed("qpos", "pos").withColumn("tag", lit(2))));
        Dataset<Row> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i));
        }
        return all.repartition(partitions, col("seq"), col("chunk"))
                .sortWithinPartitions("chunk", "seq", "tag", "pos", "rank") // groups (seq, chunk) stay contiguous
                .as(bean(GroupRow.class))
                .mapPartitions((MapPartitionsFunction<GroupRow, OutRow>) it -> FinalStage.run(it, params, d, dv),
                        bean(OutRow.class));
    }

    /** The output columns, named and typed as the caller asked. */
    static Dataset<Row> project(Dataset<OutRow> out, DataType seqType, ZetaColumns cols) {
        List<Column> select = new ArrayList<>();
        select.add(col("seq").cast(seqType).as(cols.seq()));
        select.add(col("pos").as(cols.pos()));
        select.add(col("out").as(cols.out()));
        if (!cols.nbrPos().isEmpty()) {
            select.add(col("nbrPos").as(cols.nbrPos()));
        }
        if (!cols.nbrW().isEmpty()) {
            select.add(col("nbrW").as(cols.nbrW()));
        }
        if (!cols.nnDist().isEmpty()) {
            select.add(col("nnDist").as(cols.nnDist()));
        }
        return out.select(select.toArray(new Column[0]));
    }

    private static final String[] GROUP_FIELDS = {"seq", "chunk", "tag", "pos", "rank", "count", "sum", "q", "k", "v",
        "dist", "kpos"};

    /** Projects a frame onto the GroupRow columns, filling the ones it lacks with typed nulls or zeros. */
    private static Dataset<Row> groupColumns(Dataset<Row> df) {
        org.apache.spark.sql.types.StructType target = Encoders.bean(GroupRow.class).schema();
        java.util.Set<String> have = new java.util.HashSet<>(List.of(df.columns()));
        List<Column> cols = new ArrayList<>();
        for (String f : GROUP_FIELDS) {
            DataType type = target.apply(f).dataType();
            boolean primitive = !(type instanceof org.apache.spark.sql.types.ArrayType)
                    && !(type instanceof org.apache.spark.sql.types.StringType);
            Column c;
            if (have.contains(f)) {
                // arrays keep their own element nullability (a cast cannot change it; union accepts both)
                c = type instanceof org.apache.spark.sql.types.ArrayType ? col(f) : col(f).cast(type);
            } else {
                c = primitive ? lit(0).cast(type) : lit(null).cast(type);
            }
            cols.add(c.as(f));
        }
        return df.select(cols.toArray(new Column[0]));
    }

    private static List<Row> explode(CandRow c, long m) {
        double[] dist = c.getDist();
        long[] kpos = c.getKpos();
        List<Row> rows = new ArrayList<>(dist.length);
        long chunk = c.getPos() / m;
        for (int j = 0; j < dist.length; j++) {
            rows.add(org.apache.spark.sql.RowFactory.create(c.getSeq(), chunk, c.getPos(), j, dist[j], kpos[j]));
        }
        return rows;
    }

    // ---------------------------------------------------------------- exact: blocked brute force

    private static Dataset<CandRow> exactCandidates(Dataset<TokenRow> tokens, ZetaParams params, int d,
                                                    int partitions, EngineChoice engine) {
        boolean causal = params.causal();
        // blocks of EXACT_BLOCK tokens by rank, not by position: the cost follows the token count
        // whatever the position range (epoch positions, gaps)
        org.apache.spark.sql.expressions.WindowSpec bySeq =
                org.apache.spark.sql.expressions.Window.partitionBy("seq").orderBy("pos");
        org.apache.spark.sql.expressions.WindowSpec wholeSeq =
                org.apache.spark.sql.expressions.Window.partitionBy("seq");
        Dataset<BlockToken> blocked = tokens.toDF()
                .withColumn("rank", functions.row_number().over(bySeq).minus(1))
                .withColumn("n", functions.count(lit(1)).over(wholeSeq))
                .select(col("seq"), col("pos"), expr("CAST(rank div " + EXACT_BLOCK + " AS INT)").as("block"),
                        expr("CAST((n - 1) div " + EXACT_BLOCK + " AS INT)").as("lastBlock"), col("q"), col("k"))
                .as(bean(BlockToken.class));
        Dataset<BlockRow> rows = blocked.flatMap(
                (FlatMapFunction<BlockToken, BlockRow>) t -> blockRows(t, causal).iterator(), bean(BlockRow.class));
        int k = params.k();
        long m = params.chunkSize();
        return rows.repartition(partitions, col("seq"), col("queryBlock"), col("keyBlock"))
                .sortWithinPartitions("seq", "queryBlock", "keyBlock", "tag", "pos")
                .mapPartitions((MapPartitionsFunction<BlockRow, CandRow>) it ->
                        BlockScan.scan(it, d, k, Integer.MAX_VALUE, m, causal, engine), bean(CandRow.class));
    }

    /**
     * Brute-force block rows: group (seq, query block, key block) holds the key block's keys and the
     * query block's queries; the window scan with an unbounded half-window then scores every key
     * outside the query's own chunk (the own chunk is scored in the final stage). Blocks are by
     * token rank, so there are at most n / EXACT_BLOCK + 1 of them whatever the positions.
     */
    static List<BlockRow> blockRows(BlockToken t, boolean causal) {
        List<BlockRow> out = new ArrayList<>();
        int block = t.getBlock();
        int last = t.getLastBlock();
        int qFrom = causal ? block : 0;
        for (int qb = qFrom; qb <= last; qb++) {
            out.add(blockRow(t.getSeq(), qb, block, 0, t.getPos(), t.getK()));
        }
        int kTo = causal ? block : last;
        for (int kb = 0; kb <= kTo; kb++) {
            out.add(blockRow(t.getSeq(), block, kb, 1, t.getPos(), t.getQ()));
        }
        return out;
    }

    private static BlockRow blockRow(String seq, int queryBlock, int keyBlock, int tag, long pos, float[] vec) {
        BlockRow r = new BlockRow();
        r.setSeq(seq);
        r.setQueryBlock(queryBlock);
        r.setKeyBlock(keyBlock);
        r.setTag(tag);
        r.setPos(pos);
        r.setVec(vec);
        return r;
    }

    // ---------------------------------------------------------------- mean slot

    static Dataset<GroupRow> offsets(Dataset<TokenRow> tokens, ZetaParams params, int d, int dv,
                                             int partitions) {
        long m = params.chunkSize();
        Dataset<ChunkSumRow> chunkTotals = tokens.repartition(partitions, col("seq"), col("chunk"))
                .sortWithinPartitions("seq", "chunk", "pos")
                .mapPartitions((MapPartitionsFunction<TokenRow, ChunkSumRow>) it ->
                        MeanSlotStages.chunkTotals(it, d, dv), bean(ChunkSumRow.class))
                .persist(StorageLevel.MEMORY_AND_DISK());
        PlanResources.cache(chunkTotals);
        Column superBlock = expr("chunk div " + m);
        Dataset<ChunkSumRow> bySuper = chunkTotals.repartition(partitions, col("seq"), superBlock)
                .sortWithinPartitions("seq", "chunk");
        Dataset<ChunkSumRow> superTotals = bySuper.mapPartitions((MapPartitionsFunction<ChunkSumRow, ChunkSumRow>) it ->
                MeanSlotStages.prefixWithin(it, m, true), bean(ChunkSumRow.class));
        Dataset<ChunkSumRow> bySeq = superTotals.repartition(partitions, col("seq")).sortWithinPartitions("seq", "chunk");
        if (!params.causal()) {
            Dataset<ChunkSumRow> totals = bySeq.mapPartitions((MapPartitionsFunction<ChunkSumRow, ChunkSumRow>) it ->
                    MeanSlotStages.prefixWithin(it, 0, true), bean(ChunkSumRow.class));
            return chunkTotals.select(col("seq"), col("chunk"))
                    .join(totals.select(col("seq"), col("count"), col("sum")), "seq")
                    .as(bean(ChunkSumRow.class))
                    .map((MapFunction<ChunkSumRow, GroupRow>) ZetaPlan::offsetGroupRow, bean(GroupRow.class));
        }
        Dataset<Row> chunkPrefix = bySuper.mapPartitions((MapPartitionsFunction<ChunkSumRow, ChunkSumRow>) it ->
                MeanSlotStages.prefixWithin(it, m, false), bean(ChunkSumRow.class)).toDF()
                .withColumn("sb", superBlock);
        Dataset<Row> superPrefix = bySeq.mapPartitions((MapPartitionsFunction<ChunkSumRow, ChunkSumRow>) it ->
                MeanSlotStages.prefixWithin(it, 0, false), bean(ChunkSumRow.class)).toDF()
                .select(col("seq"), col("chunk").as("sb"), col("count").as("superCount"), col("sum").as("superSum"));
        return chunkPrefix.join(superPrefix, names("seq", "sb"))
                .map((MapFunction<Row, GroupRow>) r -> {
                    double[] a = toDoubles(r.getAs("superSum"));
                    double[] b = toDoubles(r.getAs("sum"));
                    double[] ab = new double[a.length];
                    for (int i = 0; i < a.length; i++) {
                        ab[i] = a[i] + b[i];
                    }
                    GroupRow g = new GroupRow();
                    g.setSeq(r.getAs("seq"));
                    g.setChunk(r.<Long>getAs("chunk"));
                    g.setTag(0);
                    g.setPos(-1L);
                    g.setCount(r.<Long>getAs("superCount") + r.<Long>getAs("count"));
                    g.setSum(ab);
                    return g;
                }, bean(GroupRow.class));
    }

    static scala.collection.immutable.Seq<String> names(String... names) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
    }

    private static double[] toDoubles(Object seq) {
        scala.collection.Seq<?> s = (scala.collection.Seq<?>) seq;
        double[] out = new double[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Double) s.apply(i);
        }
        return out;
    }

    private static GroupRow offsetGroupRow(ChunkSumRow o) {
        GroupRow g = new GroupRow();
        g.setSeq(o.getSeq());
        g.setChunk(o.getChunk());
        g.setTag(0);
        g.setPos(-1L);
        g.setCount(o.getCount());
        g.setSum(o.getSum());
        return g;
    }
}
