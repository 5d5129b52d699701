package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.CandRow;
import io.zetaspark.job.plan.rows.ScanRow;
import io.zetaspark.job.plan.rows.WindowRow;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.gpu.EngineChoice;
import io.zetaspark.kernels.gpu.GpuWindowBatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The executor side of the window stage: each partition of the (seq, level, curve, code, tag, pos)
 * sorted rows runs the kernels' window rule over its runs, with halo rows borrowed
 * from neighbouring partitions so that the answer never depends on where the range partitioner
 * cut (DESIGN.md §2). Three passes over the same cached partitions: {@link #needs} lists the cuts of
 * the queries that walk out of each partition, {@link #summarize} lends each edge the keys those
 * cuts use (both through {@link #exchange}: the driver sees shapes only, the cuts and rows move by
 * shuffles keyed by partition), {@link #scanWithHalos} emits each query's per-curve top-k.
 */
final class WindowStage {
    private WindowStage() {
    }

    /**
     * Boundary keys of one partition: the head of its first run and the tail of its last run, each
     * the keys the queries next to that edge in the neighbouring partitions use. What the driver
     * sees of it is {@link #shape()}: run identities, row counts and flags, never the rows.
     */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        GroupKey first;
        GroupKey last;
        KeyBuffer head;
        KeyBuffer tail;
        int headRows;
        int tailRows;
        /** The rows each edge may lend at most: W/2 per cut it serves (bidirectional W/2 + M). */
        int headBound;
        int tailBound;
        boolean headSatisfied;
        boolean tailSatisfied;

        Summary(int partition) {
            this.partition = partition;
        }

        boolean empty() {
            return first == null;
        }

        /** This summary without its rows (what is collected to chain the halos). */
        Summary shape() {
            Summary s = new Summary(partition);
            s.first = first;
            s.last = last;
            s.headRows = head == null ? 0 : head.size;
            s.tailRows = tail == null ? 0 : tail.size;
            s.headBound = headBound;
            s.tailBound = tailBound;
            s.headSatisfied = headSatisfied;
            s.tailSatisfied = tailSatisfied;
            return s;
        }
    }

    /** Halo rows of one partition: keys before its first run and after its last run. */
    static final class Halo implements Serializable {
        private static final long serialVersionUID = 1L;
        final KeyBuffer prev;
        final KeyBuffer next;

        Halo(KeyBuffer prev, KeyBuffer next) {
            this.prev = prev;
            this.next = next;
        }
    }

    /**
     * What the queries at one partition's edges need from its neighbours: the cuts (chunk starts)
     * of the queries of its first and of its last run whose walk leaves the partition
     * ({@link HaloCuts}; null: no such query).
     */
    static final class Needs implements Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        GroupKey first;
        GroupKey last;
        HaloCuts firstCuts;
        HaloCuts lastCuts;

        Needs(int partition) {
            this.partition = partition;
        }

        boolean empty() {
            return first == null;
        }

        boolean single() {
            return first != null && first.equals(last);
        }

        /** These needs without their cuts (what is collected to route them). */
        Needs shape() {
            Needs n = new Needs(partition);
            n.first = first;
            n.last = last;
            return n;
        }
    }

    /** A growable list of cuts on a primitive array. */
    private static final class CutList {
        long[] v = new long[16];
        int n;

        void add(long c) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = c;
        }
    }

    /**
     * Round 1 (executors): the edge needs of one sorted partition. Causal: only the queries whose
     * walk leaves the partition count, i.e. those with fewer than W/2 usable keys (pos below their
     * cut) between them and the edge inside the partition: a query deep inside finds its window
     * without a halo. Bidirectional: every query of an edge run counts (W/2 + M keys of any
     * position are enough for all of them), with the one cut {@code Long.MAX_VALUE}.
     */
    static Needs needs(int partition, Iterator<WindowRow> rows, long chunkSize, boolean causal, int half) {
        Needs n = new Needs(partition);
        GroupKey current = null;
        SmallestPositions seen = new SmallestPositions(half);
        long[] cuts = new long[64]; // the current run's rows: key pos, or (for queries) -1 - cut
        int size = 0;
        CutList edge = new CutList();
        boolean inFirst = true;
        while (rows.hasNext()) {
            WindowRow r = rows.next();
            if (current == null || !current.holds(r)) {
                if (current != null) {
                    if (inFirst) {
                        n.firstCuts = HaloCuts.of(edge.v, edge.n);
                    }
                    inFirst = false;
                }
                current = GroupKey.of(r);
                if (n.first == null) {
                    n.first = current;
                }
                size = 0;
                seen.clear();
            }
            long cut = causal ? (r.getPos() / chunkSize) * chunkSize : Long.MAX_VALUE;
            if (size == cuts.length) {
                cuts = Arrays.copyOf(cuts, size * 2);
            }
            cuts[size++] = r.getTag() == 0 ? r.getPos() : -1 - cut;
            if (inFirst) {
                if (r.getTag() == 0) {
                    seen.add(r.getPos());
                } else if (!causal || !seen.atLeastBelow(cut)) {
                    edge.add(cut);
                }
            }
        }
        if (current == null) {
            return n;
        }
        if (inFirst) {
            n.firstCuts = HaloCuts.of(edge.v, edge.n);
        }
        n.last = current;
        // the last run, backwards: queries with fewer than W/2 usable keys after them leave at the end
        seen.clear();
        edge.n = 0;
        for (int i = size - 1; i >= 0; i--) {
            long x = cuts[i];
            if (x >= 0) {
                seen.add(x);
            } else {
                long cut = -1 - x;
                if (!causal || !seen.atLeastBelow(cut)) {
                    edge.add(cut);
                }
            }
        }
        n.lastCuts = HaloCuts.of(edge.v, edge.n);
        return n;
    }

    /** The {@code capacity} smallest positions added so far (a max-heap on primitive longs). */
    static final class SmallestPositions {
        private final long[] heap;
        private int size;

        SmallestPositions(int capacity) {
            this.heap = new long[Math.max(1, capacity)];
        }

        void clear() {
            size = 0;
        }

        void add(long p) {
            if (size < heap.length) {
                int i = size++;
                heap[i] = p;
                while (i > 0 && heap[(i - 1) / 2] < heap[i]) {
                    swap(i, (i - 1) / 2);
                    i = (i - 1) / 2;
                }
            } else if (p < heap[0]) {
                heap[0] = p;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    int r = l + 1;
                    int big = i;
                    if (l < size && heap[l] > heap[big]) {
                        big = l;
                    }
                    if (r < size && heap[r] > heap[big]) {
                        big = r;
                    }
                    if (big == i) {
                        break;
                    }
                    swap(i, big);
                    i = big;
                }
            }
        }

        /** Whether at least {@code capacity} of the added positions lie below {@code bound}. */
        boolean atLeastBelow(long bound) {
            return size == heap.length && heap[0] < bound;
        }

        private void swap(int a, int b) {
            long t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }
    }

    /**
     * Round 1 (driver, from shapes only): which partitions' cuts each partition's edges must
     * serve. Per needing partition, {lender, side}: side 0, its first run's cuts go to the tail of
     * the lender before it that shares the run; side 1, its last run's cuts go to the head of the
     * lender after it. A chain through partitions that hold nothing but that run sends the cuts of
     * every partition along it to the same lender.
     */
    static Map<Integer, List<int[]>> routes(List<Needs> shapes) {
        Needs[] byIndex = new Needs[shapes.size()];
        for (Needs n : shapes) {
            byIndex[n.partition] = n;
        }
        Map<Integer, List<int[]>> routes = new HashMap<>();
        for (int q = 0; q < byIndex.length; q++) {
            Needs lender = byIndex[q];
            if (lender == null || lender.empty()) {
                continue;
            }
            for (int r = q + 1; r < byIndex.length; r++) {
                Needs n = byIndex[r];
                if (n == null || n.empty()) {
                    continue;
                }
                if (!n.first.equals(lender.last)) {
                    break;
                }
                routes.computeIfAbsent(r, x -> new ArrayList<>()).add(new int[] {q, 0});
                if (!n.single()) {
                    break;
                }
            }
            for (int r = q - 1; r >= 0; r--) {
                Needs n = byIndex[r];
                if (n == null || n.empty()) {
                    continue;
                }
                if (!n.last.equals(lender.first)) {
                    break;
                }
                routes.computeIfAbsent(r, x -> new ArrayList<>()).add(new int[] {q, 1});
                if (!n.single()) {
                    break;
                }
            }
        }
        return routes;
    }

    /** Cuts on their way to the partition that lends for them (side 0: its tail, 1: its head). */
    static final class Request implements Serializable {
        private static final long serialVersionUID = 1L;
        final int side;
        final HaloCuts cuts;

        Request(int side, HaloCuts cuts) {
            this.side = side;
            this.cuts = cuts;
        }
    }

    /** The {tail, head} requirement of one lending partition: the union of the cuts sent to each edge. */
    static HaloCuts[] requirement(Iterator<Request> requests) {
        HaloCuts[] req = new HaloCuts[2];
        while (requests.hasNext()) {
            Request r = requests.next();
            req[r.side] = HaloCuts.union(req[r.side], r.cuts);
        }
        return req;
    }

    /** Keys needed per cut: causal W/2, bidirectional W/2 + M (the own chunk is skipped). */
    static int needed(boolean causal, long chunkSize, int half) {
        return (int) Math.min(Integer.MAX_VALUE, causal ? half : half + chunkSize);
    }

    /**
     * Round 2 (executors): the boundary summary of one sorted partition: the head of its first run
     * and the tail of its last run, each the keys that the requirement's cuts use walking away from
     * that edge ({@link HaloCuts.Walk}), until every cut has its keys or the run ends
     * ({@code req} = {tail, head}).
     */
    static Summary summarize(int partition, Iterator<WindowRow> rows, int d, int needed, HaloCuts[] req) {
        Summary s = new Summary(partition);
        HaloCuts tailCuts = req == null ? null : req[0];
        HaloCuts headCuts = req == null ? null : req[1];
        s.tailBound = tailCuts == null ? 0 : tailCuts.bound(needed);
        s.headBound = headCuts == null ? 0 : headCuts.bound(needed);
        long tailTop = tailCuts == null ? Long.MIN_VALUE : tailCuts.largest();
        KeyBuffer groupKeys = new KeyBuffer(d, 64);
        GroupKey current = null;
        HaloCuts.Walk head = null;
        boolean inFirst = true;
        while (rows.hasNext()) {
            WindowRow r = rows.next();
            if (current == null || !current.holds(r)) {
                if (current != null) {
                    inFirst = false;
                }
                current = GroupKey.of(r);
                groupKeys.clear();
                if (s.first == null) {
                    s.first = current;
                    s.head = new KeyBuffer(d, 16);
                    s.headSatisfied = headCuts == null;
                    head = headCuts == null ? null : headCuts.walk(needed);
                }
            }
            if (r.getTag() != 0) {
                continue;
            }
            if (tailCuts != null && r.getPos() < tailTop) {
                groupKeys.add(r.getCode(), r.getPos(), r.getVec(), 0);
            }
            if (inFirst && !s.headSatisfied) {
                if (head.offer(r.getPos())) {
                    s.head.add(r.getCode(), r.getPos(), r.getVec(), 0);
                }
                s.headSatisfied = head.satisfied();
            }
        }
        if (current != null) {
            s.last = current;
            if (tailCuts == null) {
                s.tail = new KeyBuffer(d, 4);
                s.tailSatisfied = true;
            } else {
                HaloCuts.Walk tail = tailCuts.walk(needed);
                boolean[] lent = new boolean[groupKeys.size];
                int start = groupKeys.size;
                while (start > 0 && !tail.satisfied()) {
                    start--;
                    lent[start] = tail.offer(groupKeys.pos[start]);
                }
                KeyBuffer t = new KeyBuffer(d, 16);
                for (int i = start; i < groupKeys.size; i++) {
                    if (lent[i]) {
                        t.add(groupKeys.code[i], groupKeys.pos[i], groupKeys.vec, i * d);
                    }
                }
                s.tail = t;
                s.tailSatisfied = tail.satisfied();
            }
        }
        return s;
    }

    /**
     * Which partitions lend to which: per partition, the partitions whose tails form its
     * {@code prev} halo and whose heads form its {@code next} halo (each in partition order), and
     * the rows each side will hold. Computed on the driver from {@link Summary#shape()}s only.
     */
    static final class HaloPlan implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Per lending partition: {borrower, side (0 its tail lent as prev, 1 its head lent as next)}. */
        final Map<Integer, List<int[]>> lends = new HashMap<>();
        /** Per borrowing partition: {prev rows, next rows, prev bound, next bound, prev pieces, next pieces}. */
        final Map<Integer, int[]> rows = new HashMap<>();

        int borrowers() {
            return rows.size();
        }

        /** The largest halo side (rows) of any partition: what one partition boundary borrowed. */
        int largestSide() {
            int max = 0;
            for (int[] r : rows.values()) {
                max = Math.max(max, Math.max(r[0], r[1]));
            }
            return max;
        }

        private void lend(int from, int to, int side, int count, int bound) {
            lends.computeIfAbsent(from, x -> new ArrayList<>()).add(new int[] {to, side});
            int[] r = rows.computeIfAbsent(to, x -> new int[6]);
            r[side] += count;
            r[2 + side] = (int) Math.min(Integer.MAX_VALUE, (long) r[2 + side] + bound);
            r[4 + side]++;
        }
    }

    /** Pass 2 (driver): chains the summaries' shapes into which partition lends to which. */
    static HaloPlan plan(List<Summary> shapes) {
        Summary[] byIndex = new Summary[shapes.size()];
        for (Summary s : shapes) {
            byIndex[s.partition] = s;
        }
        HaloPlan plan = new HaloPlan();
        for (int p = 0; p < byIndex.length; p++) {
            Summary s = byIndex[p];
            if (s == null || s.empty()) {
                continue;
            }
            for (int q = p - 1; q >= 0; q--) {
                Summary o = byIndex[q];
                if (o == null || o.empty()) {
                    continue;
                }
                if (!o.last.equals(s.first)) {
                    break;
                }
                plan.lend(q, p, 0, o.tailRows, o.tailBound);
                if (o.tailSatisfied || !o.first.equals(s.first)) {
                    break;
                }
            }
            for (int q = p + 1; q < byIndex.length; q++) {
                Summary o = byIndex[q];
                if (o == null || o.empty()) {
                    continue;
                }
                if (!o.first.equals(s.last)) {
                    break;
                }
                plan.lend(q, p, 1, o.headRows, o.headBound);
                if (o.headSatisfied || !o.last.equals(s.last)) {
                    break;
                }
            }
        }
        return plan;
    }

    /** One lent piece on its way to the borrowing partition: the lender's index orders the pieces. */
    static final class Piece implements Serializable {
        private static final long serialVersionUID = 1L;
        final int lender;
        final int side;
        final KeyBuffer keys;

        Piece(int lender, int side, KeyBuffer keys) {
            this.lender = lender;
            this.side = side;
            this.keys = keys;
        }
    }

    /** The halo exchange of one sorted window-row RDD: what moves where, and the rows themselves. */
    static final class Exchange {
        final HaloPlan plan;
        /** Pieces by borrowing partition (partition i of this RDD holds partition i's pieces). */
        final JavaRDD<Piece> pieces;
        /** The lenders' summaries, cached until the result is released (read by the exchange). */
        final JavaRDD<Summary> summaries;

        Exchange(HaloPlan plan, JavaRDD<Piece> pieces, JavaRDD<Summary> summaries) {
            this.plan = plan;
            this.pieces = pieces;
            this.summaries = summaries;
        }
    }

    /**
     * The halo exchange of a sorted window-row RDD (cached by the caller: it is read three times).
     * The driver sees shapes only, a few values per partition whatever the data: which runs each
     * partition starts and ends with, then how many rows each edge will lend and whether that
     * satisfied it. What is proportional to the data travels between executors by two small
     * shuffles keyed by partition: the cuts of the queries that walk out of a partition go to the
     * partition that lends to them, and the lent rows go to their borrowers, read next to the
     * sorted rows by {@link #scanWithHalos}. Each edge lends at most W/2 keys per distinct cut of
     * the queries it serves (bidirectional W/2 + M in all, {@link HaloCuts}); keys that none of
     * them uses are left out, so a run of one repeated word lends nothing.
     */
    static Exchange exchange(JavaRDD<WindowRow> sorted, int d, long chunkSize, int halfWindow, boolean causal) {
        int partitions = sorted.getNumPartitions();
        JavaRDD<Needs> needs = sorted.mapPartitionsWithIndex(
                (idx, it) -> List.of(needs(idx, it, chunkSize, causal, halfWindow)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Summary> summaries;
        HaloPlan plan;
        try {
            Map<Integer, List<int[]>> routes = routes(needs.map(Needs::shape).collect());
            JavaRDD<Request> requests = needs.flatMapToPair(n -> {
                List<Tuple2<Integer, Request>> out = new ArrayList<>();
                for (int[] r : routes.getOrDefault(n.partition, List.of())) {
                    HaloCuts cuts = r[1] == 0 ? n.firstCuts : n.lastCuts;
                    if (cuts != null) {
                        out.add(new Tuple2<>(r[0], new Request(r[1], cuts)));
                    }
                }
                return out.iterator();
            }).partitionBy(new HashPartitioner(partitions)).values(); // Integer keys in [0, n): partition = key
            int needed = needed(causal, chunkSize, halfWindow);
            summaries = sorted.zipPartitions(requests, (rows, reqs) ->
                    List.of(summarize(TaskContext.getPartitionId(), rows, d, needed, requirement(reqs))).iterator())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            plan = plan(summaries.map(Summary::shape).collect()); // computes (and caches) the summaries
        } finally {
            needs.unpersist(false);
        }
        Map<Integer, List<int[]>> lends = plan.lends;
        JavaRDD<Piece> pieces = summaries.flatMapToPair(s -> {
            List<Tuple2<Integer, Piece>> out = new ArrayList<>();
            for (int[] l : lends.getOrDefault(s.partition, List.of())) {
                out.add(new Tuple2<>(l[0], new Piece(s.partition, l[1], l[1] == 0 ? s.tail : s.head)));
            }
            return out.iterator();
        }).partitionBy(new HashPartitioner(partitions)).values();
        return new Exchange(plan, pieces, summaries);
    }

    /** The halo of one borrowing partition from its pieces (null when it borrows nothing). */
    static Halo assemble(Iterator<Piece> pieces, int d) {
        List<Piece> all = new ArrayList<>();
        pieces.forEachRemaining(all::add);
        if (all.isEmpty()) {
            return null;
        }
        all.sort(java.util.Comparator.comparingInt((Piece p) -> p.lender));
        KeyBuffer prev = new KeyBuffer(d, 16);
        KeyBuffer next = new KeyBuffer(d, 16);
        for (Piece p : all) {
            (p.side == 0 ? prev : next).addAll(p.keys);
        }
        return new Halo(prev, next);
    }

    /** Pass 3 over the sorted rows with their halos from the exchange (same partitioning). */
    static JavaRDD<CandRow> scanWithHalos(JavaRDD<WindowRow> sorted, Exchange ex, int d, int k, int half,
                                          long chunkSize, boolean causal, EngineChoice engine) {
        return sorted.zipPartitions(ex.pieces, (rows, pieces) ->
                scan(rows, assemble(pieces, d), d, k, half, chunkSize, causal, engine));
    }

    /** One engine decision per executor JVM and choice (decided, and logged, once). */
    private static final Map<EngineChoice, GpuWindowBatch> ENGINES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Queries per window batch handed to the engine (bounds the batch's output arrays). */
    static final int BATCH = 1 << 16;

    /**
     * Pass 3 (executors): per query and run, the top-k of its curve window, streamed run by run and
     * computed in batches by the engine the choice picks: the kernels' {@link WindowBatch} on the
     * CPU (with codes, so runs of equal codes are jumped), or the CUDA window kernel through
     * {@link GpuWindowBatch} (same answer; the decision and its reason are logged per task).
     */
    static Iterator<CandRow> scan(Iterator<? extends ScanRow> rows, Halo halo, int d, int k, int half, long chunkSize,
                                  boolean causal, EngineChoice engine) {
        FaultInjection.at("window");
        GpuWindowBatch gpu = engine == EngineChoice.CPU ? null : ENGINES.computeIfAbsent(engine, GpuWindowBatch::create);
        if (gpu != null && !gpu.decision().gpu()) {
            gpu = null;
        }
        return new ScanIterator(new Peeking<>(rows), halo, d, k, half, chunkSize, causal, gpu);
    }

    private static final class ScanIterator implements Iterator<CandRow> {
        private final Peeking<ScanRow> rows;
        private final Halo halo;
        private final int d;
        private final int k;
        private final int half;
        private final long chunkSize;
        private final boolean causal;
        private final GpuWindowBatch gpu;
        private final KeyBuffer keys;
        private boolean firstRun = true;
        private String seq;
        private long[] qPos = new long[64];
        private float[] qVec;
        private int[] qIns = new int[64];
        private int qCount;
        private int qNext;
        // the current batch: queries [batchFrom, batchFrom + batchSize) of the run
        private int batchFrom;
        private int batchSize;
        private int[] bIns = new int[0];
        private long[] bCutLo = new long[0];
        private long[] bCutHi = new long[0];
        private float[] bVec = new float[0];
        private int[] bCount = new int[0];
        private double[] bDist = new double[0];
        private long[] bPos = new long[0];

        ScanIterator(Peeking<ScanRow> rows, Halo halo, int d, int k, int half, long chunkSize, boolean causal,
                     GpuWindowBatch gpu) {
            this.rows = rows;
            this.halo = halo;
            this.d = d;
            this.k = k;
            this.half = half;
            this.chunkSize = chunkSize;
            this.causal = causal;
            this.gpu = gpu;
            this.keys = new KeyBuffer(d, 1024);
            this.qVec = new float[64 * d];
        }

        @Override
        public boolean hasNext() {
            while (qNext >= qCount) {
                if (!rows.hasNext()) {
                    return false;
                }
                loadRun();
            }
            return true;
        }

        private void loadRun() {
            GroupKey g = GroupKey.of(rows.peek());
            seq = g.seq;
            keys.clear();
            qCount = 0;
            qNext = 0;
            batchFrom = 0;
            batchSize = 0;
            if (firstRun && halo != null) {
                keys.addAll(halo.prev);
            }
            firstRun = false;
            while (rows.hasNext() && g.holds(rows.peek())) {
                ScanRow r = rows.next();
                if (r.getTag() == 0) {
                    keys.add(r.scanCode(), r.getPos(), r.getVec(), 0);
                } else {
                    if (qCount == qPos.length) {
                        qPos = Arrays.copyOf(qPos, qCount * 2);
                        qIns = Arrays.copyOf(qIns, qCount * 2);
                        qVec = Arrays.copyOf(qVec, qCount * 2 * d);
                    }
                    qPos[qCount] = r.getPos();
                    qIns[qCount] = keys.size;
                    System.arraycopy(r.getVec(), 0, qVec, qCount * d, d);
                    qCount++;
                }
            }
            if (!rows.hasNext() && halo != null) {
                keys.addAll(halo.next);
            }
        }

        private void runBatch(int from) {
            int n = Math.min(BATCH, qCount - from);
            if (bIns.length < n) {
                bIns = new int[n];
                bCutLo = new long[n];
                bCutHi = new long[n];
                bVec = new float[n * d];
                bCount = new int[n];
                bDist = new double[n * k];
                bPos = new long[n * k];
            }
            for (int j = 0; j < n; j++) {
                long p = qPos[from + j];
                long cutLo = (p / chunkSize) * chunkSize;
                bIns[j] = qIns[from + j];
                bCutLo[j] = cutLo;
                bCutHi[j] = causal || cutLo > Long.MAX_VALUE - chunkSize ? Long.MAX_VALUE : cutLo + chunkSize;
            }
            System.arraycopy(qVec, from * d, bVec, 0, n * d);
            if (gpu != null) {
                gpu.run(d, half, k, keys.pos, keys.vec, 0, keys.size, n, bIns, bCutLo, bCutHi, bVec, bCount, bDist, bPos);
            } else {
                WindowBatch.run(keys.code, d, half, k, keys.pos, keys.vec, 0, keys.size, n, bIns, bCutLo, bCutHi, bVec,
                        bCount, bDist, bPos);
            }
            batchFrom = from;
            batchSize = n;
        }

        @Override
        public CandRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = qNext++;
            if (i >= batchFrom + batchSize || i < batchFrom) {
                runBatch(i);
            }
            int j = i - batchFrom;
            int n = bCount[j];
            CandRow c = new CandRow();
            c.setSeq(seq);
            c.setPos(qPos[i]);
            c.setDist(Arrays.copyOfRange(bDist, j * k, j * k + n));
            c.setKpos(Arrays.copyOfRange(bPos, j * k, j * k + n));
            return c;
        }
    }
}
