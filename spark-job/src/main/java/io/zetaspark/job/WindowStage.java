package io.zetaspark.job;

import io.zetaspark.job.rows.CandRow;
import io.zetaspark.job.rows.WindowRow;
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

    private static GroupKey keyOf(WindowRow r) {
        return new GroupKey(r.getSeq(), r.getLevel(), r.getCurve());
    }

    private static boolean sameGroup(WindowRow r, GroupKey g) {
        return r.getLevel() == g.level && r.getCurve() == g.curve && r.getSeq().equals(g.seq);
    }

    /** Pass 1 (executors): the boundary summary of one sorted partition. */
    static Summary summarize(int partition, Iterator<WindowRow> rows, int d, HaloRule rule) {
        Summary s = new Summary(partition);
        KeyBuffer groupKeys = new KeyBuffer(d, 64);
        GroupKey current = null;
        int headCount = 0;
        boolean inFirst = true;
        while (rows.hasNext()) {
            WindowRow r = rows.next();
            if (current == null || !sameGroup(r, current)) {
                if (current != null) {
                    inFirst = false;
                }
                current = keyOf(r);
                groupKeys.clear();
                if (s.first == null) {
                    s.first = current;
                    s.head = new KeyBuffer(d, 16);
                }
            }
            if (r.getTag() != 0) {
                continue;
            }
            groupKeys.add(r.getCode(), r.getPos(), r.getVec(), 0);
            if (inFirst && !s.headSatisfied) {
                s.head.add(r.getCode(), r.getPos(), r.getVec(), 0);
                if (rule.counts(r.getSeq(), r.getLevel(), r.getPos()) && ++headCount >= rule.needed()) {
                    s.headSatisfied = true;
                }
            }
        }
        if (current != null) {
            s.last = current;
            int count = 0;
            int start = groupKeys.size;
            while (start > 0 && count < rule.needed()) {
                start--;
                if (rule.counts(current.seq, current.level, groupKeys.pos[start])) {
                    count++;
                }
            }
            s.tail = groupKeys.slice(start, groupKeys.size);
            s.tailSatisfied = count >= rule.needed();
        }
        return s;
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
    static Iterator<CandRow> scan(Iterator<WindowRow> rows, Halo halo, int d, int k, int half, long chunkSize,
                                  boolean causal, EngineChoice engine) {
        GpuWindowBatch gpu = engine == EngineChoice.CPU ? null : ENGINES.computeIfAbsent(engine, GpuWindowBatch::create);
        if (gpu != null && !gpu.decision().gpu()) {
            gpu = null;
        }
        return new ScanIterator(new Peeking<>(rows), halo, d, k, half, chunkSize, causal, gpu);
    }

    private static final class ScanIterator implements Iterator<CandRow> {
        private final Peeking<WindowRow> rows;
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

        ScanIterator(Peeking<WindowRow> rows, Halo halo, int d, int k, int half, long chunkSize, boolean causal,
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
            WindowRow first = rows.peek();
            GroupKey g = keyOf(first);
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
            while (rows.hasNext() && sameGroup(rows.peek(), g)) {
                WindowRow r = rows.next();
                if (r.getTag() == 0) {
                    keys.add(r.getCode(), r.getPos(), r.getVec(), 0);
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
