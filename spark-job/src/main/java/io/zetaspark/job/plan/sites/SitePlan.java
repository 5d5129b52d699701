package io.zetaspark.job.plan.sites;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.PlanResources;
import io.zetaspark.kernels.MeanSums;
import io.zetaspark.kernels.ZetaParams;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The distributed plan for sequences too long for one task (docs/ALGORITHM.md, "The distributed
 * plan"): every partition of the validation shuffle is a <i>site</i> with three roles.
 * <ul>
 *   <li><b>Position blocks</b> ({@link PosPart}): the validation shuffle's chunk-aligned blocks of
 *       each sequence. They send every key and query to its curve sites, score each query's own
 *       chunk exactly, sum chunks for the mean slot, and at the end send each query its mean slot
 *       and answer requests for values.</li>
 *   <li><b>Curve sites</b> ({@link CurveSite}): site t of curve c holds the keys and queries whose
 *       (code, pos) lies between the curve's split points t−1 and t (from a sample of the codes:
 *       Spark's range partitioning, done on primitive arrays; one repeated code can be cut anywhere).
 *       It sorts its keys once, runs every query's window there ({@link io.zetaspark.kernels.SiteWindows}),
 *       and continues a walk that leaves it in the neighbouring site.</li>
 *   <li><b>Homes</b>: the curve-0 sites, which also hold their keys' values. A query's home gathers
 *       its candidates (own chunk, every curve, walks that left their site), keeps the best k,
 *       fetches the few selected values held elsewhere, and computes the output.</li>
 * </ul>
 * The steps are Spark stages over cached per-partition state ({@link SitePart}, immutable after
 * step 1; {@link VarPart}, one per step); what moves between them are batches of compact records
 * ({@link Batch}), never a sequence on the driver. Every step's result depends only on what it
 * received (inputs are sorted, lists merged in the total candidate order), so the output is the
 * engine's bytes on any partitioning, and retried tasks give the same bytes.
 */
public final class SitePlan {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SitePlan.class);

    private SitePlan() {
    }

    /** What every task of a run needs: parameters, shapes, the sequences' plans and the mean slot's bases. */
    static final class Context implements Serializable {
        private static final long serialVersionUID = 1L;
        final ZetaParams params;
        final int d;
        final int dv;
        final int partitions;
        final SiteCounters counters;
        /** The window engine: auto, cpu or gpu ({@link io.zetaspark.kernels.gpu.EngineChoice}). */
        final io.zetaspark.kernels.gpu.EngineChoice engine;
        /** Test only: the GPU path's kernel runs in host emulation (needs only the native library). */
        final boolean emulate;
        private final Broadcast<SeqInfo[]> seqs;
        private final Broadcast<SeqMeans[]> means;

        Context(ZetaParams params, int d, int dv, int partitions, SiteCounters counters,
                io.zetaspark.kernels.gpu.EngineChoice engine, boolean emulate, Broadcast<SeqInfo[]> seqs,
                Broadcast<SeqMeans[]> means) {
            this.params = params;
            this.d = d;
            this.dv = dv;
            this.partitions = partitions;
            this.counters = counters;
            this.engine = engine;
            this.emulate = emulate;
            this.seqs = seqs;
            this.means = means;
        }

        SeqInfo seq(int id) {
            return seqs.value()[id];
        }

        SeqMeans means(int id) {
            return means.value()[id];
        }

        Context withMeans(Broadcast<SeqMeans[]> m) {
            return new Context(params, d, dv, partitions, counters, engine, emulate, seqs, m);
        }
    }

    /** A super-block's total as its site found it (step 1): count and d + dv sums. */
    static final class SuperTotal implements Serializable {
        private static final long serialVersionUID = 1L;
        final int seq;
        final long sb;
        final long count;
        final double[] sum;

        SuperTotal(int seq, long sb, long count, double[] sum) {
            this.seq = seq;
            this.sb = sb;
            this.count = count;
            this.sum = sum;
        }
    }

    /** The mean slot's super-block bases of one sequence: each the earlier super-blocks' totals added in order. */
    static final class SeqMeans implements Serializable {
        private static final long serialVersionUID = 1L;
        final long[] sb;
        final double[][] base;
        final long[] baseCount;
        final double[] total;

        SeqMeans(long[] sb, double[][] base, long[] baseCount, double[] total) {
            this.sb = sb;
            this.base = base;
            this.baseCount = baseCount;
            this.total = total;
        }

        int indexOf(long s) {
            int i = Arrays.binarySearch(sb, s);
            if (i < 0) {
                throw new IllegalStateException("no total for super-block " + s);
            }
            return i;
        }
    }

    enum Phase {
        /** After step 1: pending records (the bounds, walks and chunk bases). */
        FIRST,
        /** After step 2: pending records, the windows of the curves above 0 and the own-chunk lists (the bounds have arrived). */
        SECOND,
        /** Pending records only (lists and walks of continued walks). */
        NORMAL,
        /** Every list has reached its home: requests for the values held elsewhere. */
        FETCH
    }

    /** Target partition → partition: the records' keys are the partition numbers themselves. */
    static final class SitePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;

        SitePartitioner(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SitePartitioner && ((SitePartitioner) o).n == n;
        }

        @Override
        public int hashCode() {
            return n;
        }
    }

    /** What a run did (for the logs and the benchmarks). */
    public static final class Report implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Steps after step 1 (each one Spark stage reading one exchange). */
        public int steps;
        /** Walks that left their site, over all steps (one per site a walk visited). */
        public long walks;
        /** The most keys one site took for one walk (at most W/2), and the most sites one walk visited. */
        public int walkTakenMax;
        public int walkSitesMax;
        /** Sites (partitions of every step). */
        public int sites;
        /**
         * The largest share of one sequence's keys on one curve that one site holds, in fair shares
         * (1 = keys / sites): the split points' balance, one repeated code included.
         */
        public double maxSiteShare;
        /** Records and encoded bytes the sites sent one another (filled in as the output is computed). */
        public transient org.apache.spark.util.LongAccumulator records;
        public transient org.apache.spark.util.LongAccumulator bytes;
    }

    /** Tokens per site and curve above which the plan uses more sites than the validation shuffle has partitions. */
    static final long SITE_TOKENS = 1 << 18;
    /**
     * Test only: with {@code spark.zeta.device=gpu}, run the CUDA window kernel's per-thread code on
     * the host (the native library without a GPU), so that the plan's GPU path is checked where no GPU is.
     */
    public static final String GPU_EMULATE_CONF = "spark.zeta.test.gpuEmulate";
    /** Spark conf key overriding {@link #SITE_TOKENS}. */
    public static final String SITE_TOKENS_CONF = "spark.zeta.distributed.siteTokens";
    /** At most this many sites (each a task of every step). */
    static final int MAX_SITES = 4096;

    /** The last run's report on this driver (benchmarks read it). */
    private static volatile Report last;

    public static Report lastReport() {
        return last;
    }

    /**
     * Runs the sequences named in {@code names} through the sites. {@code routed}: the validation
     * shuffle's rows (RoutedRows layout); each named sequence's rows must hold whole chunks per
     * partition. {@code counts}: tokens per sequence; {@code blocks}: per block-routed sequence
     * (blo, blen, boff), the validation's formula for where a position's block is (sequences without
     * one are found where their rows are). Returns the output rows, lazily (the steps before the last
     * run as jobs here).
     */
    public static JavaRDD<InternalRow> run(SparkSession spark, JavaRDD<InternalRow> routed, boolean longSeq,
                                           List<String> names, Map<String, Long> counts, Map<String, long[]> blocks,
                                           ZetaParams params, int d, int dv, ZetaColumns cols) {
        try {
            return steps(spark, routed, longSeq, names, counts, blocks, params, d, dv, cols);
        } finally {
            spark.sparkContext().clearCallSite();
        }
    }

    private static JavaRDD<InternalRow> steps(SparkSession spark, JavaRDD<InternalRow> routed, boolean longSeq,
                                              List<String> names, Map<String, Long> counts, Map<String, long[]> blocks,
                                              ZetaParams params, int d, int dv, ZetaColumns cols) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // sites: at least the validation shuffle's partitions (which hold the position blocks), and enough that
        // none holds more than SITE_TOKENS tokens of one curve (a site's runs then stay near the caches)
        int blockParts = routed.getNumPartitions();
        long total = 0;
        for (String name : names) {
            total += counts.getOrDefault(name, 0L);
        }
        long siteTokens = Math.max(1, Long.parseLong(spark.conf().get(SITE_TOKENS_CONF, String.valueOf(SITE_TOKENS))));
        int partitions = (int) Math.max(blockParts, Math.min(MAX_SITES, (total + siteTokens - 1) / siteTokens));
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        Map<String, Integer> ids = new HashMap<>();
        Map<Integer, Long> countById = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            ids.put(sorted.get(i), i);
            countById.put(i, counts.getOrDefault(sorted.get(i), 0L));
        }
        Broadcast<Map<String, Integer>> idsBc = PlanResources.broadcast(jsc.broadcast(ids));
        // stage names say which step a stage is (Spark names a stage after the call site of its RDD)
        org.apache.spark.SparkContext sc = spark.sparkContext();
        sc.setCallSite("sites: position blocks");
        JavaRDD<PosPart> read = routed.mapPartitionsWithIndex((idx, it) ->
                List.of(PosPart.read(idx, it, idsBc.value(), longSeq, d, dv)).iterator(), true);
        if (partitions > blockParts) {
            List<Integer> extra = new ArrayList<>();
            for (int t = blockParts; t < partitions; t++) {
                extra.add(t);
            }
            read = read.union(jsc.parallelize(extra, extra.size()).map(PosPart::empty));
        }
        JavaRDD<PosPart> pos = PlanResources.cache(read.persist(StorageLevel.MEMORY_AND_DISK()));
        List<PosPart.Summary> summaries = pos.map(p -> p.summary(params, d, countById, partitions)).collect();
        SeqInfo[] infos = plan(sorted, longSeq, countById, blocks, summaries, params, partitions, blockParts);
        Report report = new Report();
        Broadcast<SeqInfo[]> seqsBc = PlanResources.broadcast(jsc.broadcast(infos));
        SiteCounters counters = new SiteCounters(spark.sparkContext());
        report.records = counters.records;
        report.bytes = counters.bytes;
        io.zetaspark.kernels.gpu.EngineChoice engine = io.zetaspark.kernels.gpu.EngineChoice.parse(
                spark.conf().get(io.zetaspark.job.plan.ZetaPlan.DEVICE_CONF, "auto"));
        boolean emulate = Boolean.parseBoolean(spark.conf().get(GPU_EMULATE_CONF, "false"));
        Context cx0 = new Context(params, d, dv, partitions, counters, engine, emulate, seqsBc, null);

        // step 1: the keys and queries to their curve sites (built once), where the curve-0 windows run;
        // the chunk totals to the super-block sites
        sc.setCallSite("sites: keys and queries out");
        JavaRDD<Batch> keysIn = exchange(pos.mapPartitions(p -> p.next().keySends(cx0)), partitions);
        sc.setCallSite("sites: curve sites built");
        JavaRDD<SitePart> sites = PlanResources.cache(keysIn.mapPartitionsWithIndex((idx, it) ->
                List.of(SitePart.build(idx, it, cx0)).iterator(), true).persist(StorageLevel.MEMORY_AND_DISK()));
        // where each site's keys lie and how many every query of a level may take: a walk that leaves its
        // site goes at once to the sites it needs
        int curves = params.curves();
        SeqInfo.SiteStats[] stats = new SeqInfo.SiteStats[infos.length];
        for (int i = 0; i < infos.length; i++) {
            stats[i] = new SeqInfo.SiteStats(curves, partitions);
        }
        Context cxStats = cx0;
        List<Map<Integer, long[][]>> siteStats = sites.map(s -> s.keyStats(cxStats)).collect();
        for (int t = 0; t < siteStats.size(); t++) {
            for (Map.Entry<Integer, long[][]> e : siteStats.get(t).entrySet()) {
                SeqInfo.SiteStats st = stats[e.getKey()];
                for (int c = 0; c < curves; c++) {
                    long[] x = e.getValue()[c];
                    st.min[c][t] = x[0];
                    st.max[c][t] = x[1];
                    st.count[c][t] = x[2];
                    System.arraycopy(x, 3, st.universal[c], t * SeqInfo.SiteStats.LEVELS, SeqInfo.SiteStats.LEVELS);
                }
            }
        }
        SeqInfo[] ranged = new SeqInfo[infos.length];
        for (int i = 0; i < infos.length; i++) {
            ranged[i] = infos[i].withStats(stats[i]);
            for (int c = 0; c < curves; c++) {
                long max = 0;
                for (long x : stats[i].count[c]) {
                    max = Math.max(max, x);
                }
                report.maxSiteShare = Math.max(report.maxSiteShare, max * (double) partitions / Math.max(1, infos[i].count));
            }
        }
        report.sites = partitions;
        Context cx1 = new Context(params, d, dv, partitions, counters, engine, emulate,
                PlanResources.broadcast(jsc.broadcast(ranged)), null);
        sc.setCallSite("sites: chunk totals out");
        JavaRDD<Batch> listsIn = exchange(pos.mapPartitions(p -> p.next().chunkSends(cx1)), partitions);
        sc.setCallSite("sites: step 1 (curve-0 windows, chunk bases)");
        JavaRDD<VarPart> var = sites.zipPartitions(listsIn, (s, b) ->
                List.of(SiteSteps.first(s.next(), b, cx1)).iterator()).persist(StorageLevel.MEMORY_AND_DISK());
        List<SiteSteps.Summary> first = var.map(SiteSteps.Summary::new).collect();
        Context cx = cx1;
        if (params.meanSlot()) {
            cx = cx1.withMeans(PlanResources.broadcast(jsc.broadcast(means(first, infos.length, d + dv))));
        }
        for (SiteSteps.Summary s : first) {
            report.walks += s.walks;
        }

        // later steps: the other curves' windows, then walks continued until none is left, then the
        // value requests
        Phase phase = Phase.FIRST;
        while (true) {
            Context c = cx;
            Phase ph = phase;
            JavaRDD<Tuple2<SitePart, VarPart>> state = pair(sites, var);
            sc.setCallSite("sites: sends after step " + (report.steps + 1) + (ph == Phase.SECOND
                    ? " (windows of curves 1+, own chunks)" : ph == Phase.FETCH ? " (value requests)" : ""));
            JavaRDD<Batch> in = exchange(pair(pos, state).mapPartitions(it -> {
                Tuple2<PosPart, Tuple2<SitePart, VarPart>> t = it.next();
                return SiteSteps.sends(t._2._1, t._1, t._2._2, ph, c);
            }), partitions);
            sc.setCallSite("sites: step " + (report.steps + 2) + (ph == Phase.FETCH ? " (value requests kept)"
                    : " (lists merged, walks continued)"));
            JavaRDD<VarPart> next = state.zipPartitions(in, (st, b) -> {
                Tuple2<SitePart, VarPart> t = st.next();
                return List.of(SiteSteps.next(t._1, t._2, b, c)).iterator();
            }).persist(StorageLevel.MEMORY_AND_DISK());
            List<SiteSteps.Summary> done = next.map(SiteSteps.Summary::new).collect();
            var.unpersist(false);
            var = next;
            report.steps++;
            long pending = 0;
            for (SiteSteps.Summary s : done) {
                pending += s.pending;
                report.walks += s.walks;
                report.walkTakenMax = Math.max(report.walkTakenMax, s.walkTakenMax);
                report.walkSitesMax = Math.max(report.walkSitesMax, s.walkSitesMax);
            }
            if (phase == Phase.FETCH) {
                break;
            }
            phase = phase == Phase.FIRST ? Phase.SECOND : pending == 0 ? Phase.FETCH : Phase.NORMAL;
        }
        PlanResources.cache(var);
        LOG.info("distributed plan: {} sequences over {} sites, {} steps after the first, {} walks left their site",
                infos.length, partitions, report.steps, report.walks);
        last = report;

        // the last sends and the outputs: values asked for, and every query's mean slot
        Context c = cx;
        JavaRDD<Tuple2<PosPart, VarPart>> posVar = pair(pos, var);
        sc.setCallSite("sites: values out");
        JavaRDD<Batch> values = exchange(posVar.mapPartitions(it -> {
            Tuple2<PosPart, VarPart> t = it.next();
            return t._1.values(c, t._2.fetches);
        }), partitions);
        sc.setCallSite("sites: mean slots out");
        JavaRDD<Batch> meanIn = params.meanSlot() ? exchange(posVar.mapPartitions(it -> {
            Tuple2<PosPart, VarPart> t = it.next();
            return t._1.means(c, t._2.bases);
        }), partitions) : exchange(posVar.mapPartitions(it -> Collections.emptyIterator()), partitions);
        sc.setCallSite("sites: outputs");
        JavaRDD<Tuple2<Tuple2<SitePart, VarPart>, List<Batch>>> withValues = pair(sites, var).zipPartitions(values,
                (st, b) -> {
                    List<Batch> all = new ArrayList<>();
                    b.forEachRemaining(all::add);
                    return List.of(new Tuple2<>(st.next(), all)).iterator();
                });
        JavaRDD<InternalRow> outputs = withValues.zipPartitions(meanIn, (st, m) -> {
            Tuple2<Tuple2<SitePart, VarPart>, List<Batch>> t = st.next();
            return SiteSteps.outputs(t._1._1, t._1._2, t._2.iterator(), m, c, cols, longSeq);
        });
        return outputs;
    }

    /** One element per partition: the two RDDs' elements side by side (both hold one per partition). */
    private static <A, B> JavaRDD<Tuple2<A, B>> pair(JavaRDD<A> a, JavaRDD<B> b) {
        return a.zipPartitions(b, (x, y) -> List.of(new Tuple2<>(x.next(), y.next())).iterator());
    }

    /** One exchange: every batch to the partition it names. */
    private static JavaRDD<Batch> exchange(JavaRDD<Tuple2<Integer, Batch>> sends, int partitions) {
        return JavaPairRDD.fromJavaRDD(sends).partitionBy(new SitePartitioner(partitions)).values();
    }

    /**
     * The sequences' plans from the partitions' summaries: counts, first chunk, where the position
     * blocks are, and per curve the split points, quantiles of the sampled (code, pos) of keys and
     * queries so that every site gets about the same share of both.
     */
    static SeqInfo[] plan(List<String> names, boolean longSeq, Map<Integer, Long> counts, Map<String, long[]> blocks,
                          List<PosPart.Summary> summaries, ZetaParams params, int partitions, int blockParts) {
        int n = names.size();
        int curves = params.curves();
        long[] min = new long[n];
        Arrays.fill(min, Long.MAX_VALUE);
        List<List<long[]>> samples = new ArrayList<>();
        List<List<long[]>> ranges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(new ArrayList<>());
            ranges.add(new ArrayList<>());
        }
        for (PosPart.Summary s : summaries) {
            for (int b = 0; b < s.seq.length; b++) {
                int id = s.seq[b];
                if (s.count[b] == 0) {
                    continue;
                }
                min[id] = Math.min(min[id], s.min[b]);
                samples.get(id).add(s.samples[b]);
                for (int r = 0; r < s.ranges[b].length; r += 2) {
                    ranges.get(id).add(new long[] {s.ranges[b][r], s.partition});
                }
            }
        }
        SeqInfo[] out = new SeqInfo[n];
        for (int id = 0; id < n; id++) {
            long[][] splitCode = new long[curves][];
            long[][] splitPos = new long[curves][];
            for (int c = 0; c < curves; c++) {
                int total = 0;
                for (long[] x : samples.get(id)) {
                    total += x.length / (4 * curves) * 2;
                }
                long[][] pts = new long[total][];
                int at = 0;
                for (long[] x : samples.get(id)) {
                    for (int j = 0; j < x.length; j += 4 * curves) {
                        pts[at++] = new long[] {x[j + 4 * c], x[j + 4 * c + 1]};
                        pts[at++] = new long[] {x[j + 4 * c + 2], x[j + 4 * c + 3]};
                    }
                }
                Arrays.sort(pts, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
                splitCode[c] = new long[partitions - 1];
                splitPos[c] = new long[partitions - 1];
                for (int t = 0; t < partitions - 1; t++) {
                    if (total == 0) {
                        splitCode[c][t] = Long.MAX_VALUE;
                        splitPos[c][t] = Long.MAX_VALUE;
                    } else {
                        long[] p = pts[(int) Math.min(total - 1, (long) (t + 1) * total / partitions)];
                        splitCode[c][t] = p[0];
                        splitPos[c][t] = p[1];
                    }
                }
            }
            SeqInfo.PosRouting routing;
            long[] blk = blocks == null ? null : blocks.get(names.get(id));
            if (blk != null) {
                routing = SeqInfo.PosRouting.blocks(blk[0], blk[1], (int) blk[2], blockParts);
            } else {
                List<long[]> rs = ranges.get(id);
                rs.sort((a, b) -> Long.compare(a[0], b[0]));
                long[] from = new long[rs.size()];
                int[] part = new int[rs.size()];
                for (int r = 0; r < rs.size(); r++) {
                    from[r] = rs.get(r)[0];
                    part[r] = (int) rs.get(r)[1];
                }
                routing = SeqInfo.PosRouting.ranges(from, part);
            }
            out[id] = new SeqInfo(id, names.get(id), longSeq, counts.get(id), min[id], params.chunkSize(), splitCode,
                    splitPos, routing);
        }
        return out;
    }

    /** The super-block bases of every sequence from the totals the super-block sites found. */
    private static SeqMeans[] means(List<SiteSteps.Summary> summaries, int sequences, int width) {
        List<List<SuperTotal>> bySeq = new ArrayList<>();
        for (int i = 0; i < sequences; i++) {
            bySeq.add(new ArrayList<>());
        }
        for (SiteSteps.Summary s : summaries) {
            for (SuperTotal t : s.superTotals) {
                bySeq.get(t.seq).add(t);
            }
        }
        SeqMeans[] out = new SeqMeans[sequences];
        for (int i = 0; i < sequences; i++) {
            List<SuperTotal> ts = bySeq.get(i);
            ts.sort((a, b) -> Long.compare(a.sb, b.sb));
            long[] sb = new long[ts.size()];
            double[][] base = new double[ts.size()][];
            long[] baseCount = new long[ts.size()];
            double[] acc = new double[width];
            long count = 0;
            for (int j = 0; j < ts.size(); j++) {
                sb[j] = ts.get(j).sb;
                base[j] = acc.clone();
                baseCount[j] = count;
                MeanSums.addInto(acc, ts.get(j).sum);
                count += ts.get(j).count;
            }
            out[i] = new SeqMeans(sb, base, baseCount, acc);
        }
        return out;
    }
}
