package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.CandRow;
import io.zetaspark.job.plan.rows.ScanRow;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.gpu.EngineChoice;
import io.zetaspark.kernels.gpu.GpuWindowBatch;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The blocked brute force of exact mode over (seq, query block, key block) groups sorted by
 * (seq, query block, key block, tag, pos): per query, the best k of the group's keys outside its own
 * chunk, by the kernels' window rule with an unbounded half window ({@link WindowBatch}), or the
 * CUDA window kernel where the engine choice picks it (same answer).
 */
final class BlockScan {
    private BlockScan() {
    }

    /** One engine decision per executor JVM and choice (decided, and logged, once). */
    private static final Map<EngineChoice, GpuWindowBatch> ENGINES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Queries per window batch handed to the engine (bounds the batch's output arrays). */
    static final int BATCH = 1 << 16;

    /**
     * Per query and group, the top-k of its group's keys, streamed run by run and
     * computed in batches by the engine the choice picks: the kernels' {@link WindowBatch} on the
     * CPU (with codes, so runs of equal codes are jumped), or the CUDA window kernel through
     * {@link GpuWindowBatch} (same answer; the decision and its reason are logged per task).
     */
    static Iterator<CandRow> scan(Iterator<? extends ScanRow> rows, int d, int k, int half, long chunkSize,
                                  boolean causal, EngineChoice engine) {
        FaultInjection.at("window");
        GpuWindowBatch gpu = engine == EngineChoice.CPU ? null : ENGINES.computeIfAbsent(engine, GpuWindowBatch::create);
        if (gpu != null && !gpu.decision().gpu()) {
            gpu = null;
        }
        return new ScanIterator(new Peeking<>(rows), d, k, half, chunkSize, causal, gpu);
    }

    private static final class ScanIterator implements Iterator<CandRow> {
        private final Peeking<ScanRow> rows;
        private final int d;
        private final int k;
        private final int half;
        private final long chunkSize;
        private final boolean causal;
        private final GpuWindowBatch gpu;
        private final KeyBuffer keys;
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

        ScanIterator(Peeking<ScanRow> rows, int d, int k, int half, long chunkSize, boolean causal, GpuWindowBatch gpu) {
            this.rows = rows;
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
