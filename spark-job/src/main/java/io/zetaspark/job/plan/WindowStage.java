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
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The executor side of the window stage: each partition of the (seq, level, curve, code, tag, pos)
 * sorted rows runs the kernels' window rule over its runs, with halo rows borrowed
 * from neighbouring partitions so that the answer never depends on where the range partitioner
 * cut (DESIGN.md §2). Two passes over the same cached partitions: {@link #summarize} finds each
 * partition's boundary keys, {@link #assembleHalos} (driver) chains them into per-partition halos,
 * {@link #scan} emits each query's per-curve top-k.
 */
final class WindowStage {
    private WindowStage() {
    }

    /** Boundary keys of one partition: the head of its first run and the tail of its last run. */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        GroupKey first;
        GroupKey last;
        KeyBuffer head;
        KeyBuffer tail;
        boolean headSatisfied;
        boolean tailSatisfied;

        Summary(int partition) {
            this.partition = partition;
        }

        boolean empty() {
            return first == null;
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
     * What the queries at one partition's edges need from its neighbours: the smallest cut (chunk
     * start) of the queries of its first and of its last run. A query that walks out of the
     * partition needs W/2 keys it may use beyond the edge; keys below the smallest cut are usable by
     * every such query, so that many of them bound the halo (bidirectional: W/2 + M of any keys).
     */
    static final class Needs implements Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        GroupKey first;
        GroupKey last;
        /** Smallest and largest cut of the first run's queries (null: no query). */
        Long firstNeed;
        Long firstMax;
        Long lastNeed;
        Long lastMax;

        Needs(int partition) {
            this.partition = partition;
        }

        boolean empty() {
            return first == null;
        }

        boolean single() {
            return first != null && first.equals(last);
        }
    }

    /**
     * Round 1 (executors): the edge needs of one sorted partition. Causal: only the queries whose
     * walk leaves the partition count, i.e. those with fewer than W/2 usable keys (pos below their
     * cut) between them and the edge inside the partition: a query deep inside finds its window
     * without a halo. Bidirectional: every query of an edge run counts (W/2 + M keys of any
     * position are enough for all of them).
     */
    static Needs needs(int partition, Iterator<WindowRow> rows, long chunkSize, boolean causal, int half) {
        Needs n = new Needs(partition);
        GroupKey current = null;
        SmallestPositions seen = new SmallestPositions(half);
        long[] cuts = new long[64]; // the current run's rows: key pos, or (for queries) -1 - cut
        int size = 0;
        Long need = null;
        Long max = null;
        boolean inFirst = true;
        while (rows.hasNext()) {
            WindowRow r = rows.next();
            if (current == null || !current.holds(r)) {
                if (current != null) {
                    if (inFirst) {
                        n.firstNeed = need;
                        n.firstMax = max;
                    }
                    inFirst = false;
                }
                current = GroupKey.of(r);
                if (n.first == null) {
                    n.first = current;
                }
                size = 0;
                need = null;
                max = null;
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
                    need = need == null ? cut : Math.min(need, cut);
                    max = max == null ? cut : Math.max(max, cut);
                }
            }
        }
        if (current == null) {
            return n;
        }
        if (inFirst) {
            n.firstNeed = need;
            n.firstMax = max;
        }
        n.last = current;
        // the last run, backwards: queries with fewer than W/2 usable keys after them leave at the end
        seen.clear();
        need = null;
        max = null;
        for (int i = size - 1; i >= 0; i--) {
            long x = cuts[i];
            if (x >= 0) {
                seen.add(x);
            } else {
                long cut = -1 - x;
                if (!causal || !seen.atLeastBelow(cut)) {
                    need = need == null ? cut : Math.min(need, cut);
                    max = max == null ? cut : Math.max(max, cut);
                }
            }
        }
        n.lastNeed = need;
        n.lastMax = max;
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

    private static Long minNull(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static Long maxNull(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /**
     * Round 1 (driver): per partition, {tail min, tail max, head min, head max}: the tail of its last
     * run must hold W/2 keys below "min" for the partitions after it that share the run (a chain
     * through partitions that hold nothing but that run takes the smallest and largest cut along
     * it), and needs no key at or above "max" (ineligible for every one of those queries: the walk
     * would skip it). The head, the same for the partitions before it. Null: nobody needs that edge.
     */
    static Map<Integer, Long[]> requirements(List<Needs> all) {
        Needs[] byIndex = new Needs[all.size()];
        for (Needs n : all) {
            byIndex[n.partition] = n;
        }
        Map<Integer, Long[]> req = new HashMap<>();
        Long carryMin = null;
        Long carryMax = null;
        Needs after = null;
        for (int q = byIndex.length - 1; q >= 0; q--) {
            Needs n = byIndex[q];
            if (n == null || n.empty()) {
                continue;
            }
            Long lo = null;
            Long hi = null;
            if (after != null && after.first.equals(n.last)) {
                lo = minNull(after.firstNeed, after.single() ? carryMin : null);
                hi = maxNull(after.firstMax, after.single() ? carryMax : null);
            }
            req.put(q, new Long[] {lo, hi, null, null});
            carryMin = lo;
            carryMax = hi;
            after = n;
        }
        carryMin = null;
        carryMax = null;
        Needs before = null;
        for (int q = 0; q < byIndex.length; q++) {
            Needs n = byIndex[q];
            if (n == null || n.empty()) {
                continue;
            }
            Long lo = null;
            Long hi = null;
            if (before != null && before.last.equals(n.first)) {
                lo = minNull(before.lastNeed, before.single() ? carryMin : null);
                hi = maxNull(before.lastMax, before.single() ? carryMax : null);
            }
            req.get(q)[2] = lo;
            req.get(q)[3] = hi;
            carryMin = lo;
            carryMax = hi;
            before = n;
        }
        return req;
    }

    /**
     * Round 2 (executors): the boundary summary of one sorted partition: the head of its first run
     * and the tail of its last run, each until {@code rule.needed()} keys below the requirement's
     * smallest cut have been seen (or the run ends), leaving out keys at or above its largest cut
     * ({@code req} = {tail min, tail max, head min, head max}).
     */
    static Summary summarize(int partition, Iterator<WindowRow> rows, int d, HaloRule rule, Long[] req) {
        Summary s = new Summary(partition);
        Long tailMin = req == null ? null : req[0];
        Long tailMax = req == null ? null : req[1];
        Long headMin = req == null ? null : req[2];
        Long headMax = req == null ? null : req[3];
        KeyBuffer groupKeys = new KeyBuffer(d, 64);
        GroupKey current = null;
        int headCount = 0;
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
                    s.headSatisfied = headMin == null;
                }
            }
            if (r.getTag() != 0) {
                continue;
            }
            if (tailMin != null && rule.useful(r.getPos(), tailMax)) {
                groupKeys.add(r.getCode(), r.getPos(), r.getVec(), 0);
            }
            if (inFirst && !s.headSatisfied && rule.useful(r.getPos(), headMax)) {
                s.head.add(r.getCode(), r.getPos(), r.getVec(), 0);
                if (rule.counts(r.getPos(), headMin) && ++headCount >= rule.needed()) {
                    s.headSatisfied = true;
                }
            }
        }
        if (current != null) {
            s.last = current;
            int count = 0;
            int start = groupKeys.size;
            if (tailMin != null) {
                while (start > 0 && count < rule.needed()) {
                    start--;
                    if (rule.counts(groupKeys.pos[start], tailMin)) {
                        count++;
                    }
                }
            } else {
                start = 0;
                groupKeys.clear();
            }
            s.tail = groupKeys.slice(start, groupKeys.size);
            s.tailSatisfied = tailMin == null || count >= rule.needed();
        }
        return s;
    }

    /**
     * The halos of every partition of a sorted window-row RDD (cached by the caller: it is read
     * three times). Two small jobs: the edge needs, then the boundary keys that meet them. Each
     * boundary receives W/2 (bidirectional W/2 + M) keys below the smallest cut of the queries next
     * to it, plus the keys between the smallest and the largest cut met on the way; keys that no
     * query next to it may use are left out, so a run of one repeated word lends nothing.
     */
    static Map<Integer, Halo> halos(org.apache.spark.api.java.JavaRDD<WindowRow> sorted, int d, long chunkSize,
                                    int halfWindow, boolean causal) {
        List<Needs> needs = sorted.mapPartitionsWithIndex(
                (idx, it) -> List.of(needs(idx, it, chunkSize, causal, halfWindow)).iterator(), true).collect();
        Map<Integer, Long[]> req = requirements(needs);
        HaloRule rule = new HaloRule(causal, (int) chunkSize, halfWindow);
        List<Summary> summaries = sorted.mapPartitionsWithIndex(
                (idx, it) -> List.of(summarize(idx, it, d, rule, req.get(idx))).iterator(), true).collect();
        return assembleHalos(summaries, d);
    }

    /** The largest halo side (rows) of a halo map: what one partition boundary borrowed. */
    static int largestSide(Map<Integer, Halo> halos) {
        int max = 0;
        for (Halo h : halos.values()) {
            max = Math.max(max, Math.max(h.prev.size, h.next.size));
        }
        return max;
    }

    /** Pass 2 (driver): chains the summaries into each partition's halo. */
    static Map<Integer, Halo> assembleHalos(List<Summary> summaries, int d) {
        Summary[] byIndex = new Summary[summaries.size()];
        for (Summary s : summaries) {
            byIndex[s.partition] = s;
        }
        Map<Integer, Halo> halos = new HashMap<>();
        for (int p = 0; p < byIndex.length; p++) {
            Summary s = byIndex[p];
            if (s == null || s.empty()) {
                continue;
            }
            List<KeyBuffer> before = new ArrayList<>();
            for (int q = p - 1; q >= 0; q--) {
                Summary o = byIndex[q];
                if (o == null || o.empty()) {
                    continue;
                }
                if (!o.last.equals(s.first)) {
                    break;
                }
                before.add(o.tail);
                if (o.tailSatisfied || !o.first.equals(s.first)) {
                    break;
                }
            }
            Collections.reverse(before);
            List<KeyBuffer> after = new ArrayList<>();
            for (int q = p + 1; q < byIndex.length; q++) {
                Summary o = byIndex[q];
                if (o == null || o.empty()) {
                    continue;
                }
                if (!o.first.equals(s.last)) {
                    break;
                }
                after.add(o.head);
                if (o.headSatisfied || !o.last.equals(s.last)) {
                    break;
                }
            }
            if (!before.isEmpty() || !after.isEmpty()) {
                halos.put(p, new Halo(concat(before, d), concat(after, d)));
            }
        }
        return halos;
    }

    private static KeyBuffer concat(List<KeyBuffer> parts, int d) {
        KeyBuffer b = new KeyBuffer(d, 16);
        for (KeyBuffer part : parts) {
            b.addAll(part);
        }
        return b;
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
