package io.zetaspark.job.plan.sites;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * The batches one task sends in one step, produced lazily: {@link #produce} does a unit of work
 * (a chunk of tokens, a block of queries) and writes records through {@link #to}; a target's batch
 * leaves as soon as it holds {@link #FLUSH_BYTES}, and the rest when the work is done. So a task
 * never holds more than one partly filled batch per target, whatever it sends in all.
 */
abstract class Outbox implements Iterator<Tuple2<Integer, Batch>> {
    static final int FLUSH_BYTES = 1 << 20;
    private final Batch.Writer[] writers;
    private final int[] touched;
    private final boolean[] isTouched;
    private int touchedCount;
    private final int source;
    private final ArrayDeque<Tuple2<Integer, Batch>> ready = new ArrayDeque<>();
    private final SiteCounters counters;
    private boolean done;

    Outbox(int partitions, int source, SiteCounters counters) {
        this.writers = new Batch.Writer[partitions];
        this.touched = new int[partitions];
        this.isTouched = new boolean[partitions];
        this.source = source;
        this.counters = counters;
    }

    /** The writer for {@code target}'s batch. */
    final Batch.Writer to(int target) {
        Batch.Writer w = writers[target];
        if (w == null) {
            w = new Batch.Writer(4096);
            writers[target] = w;
        }
        if (!isTouched[target]) {
            isTouched[target] = true;
            touched[touchedCount++] = target;
        }
        return w;
    }

    /** Does a unit of work; false when there is none left. */
    abstract boolean produce();

    private void flush(boolean all) {
        int kept = 0;
        for (int i = 0; i < touchedCount; i++) {
            int t = touched[i];
            Batch.Writer w = writers[t];
            if (all || w.size() >= FLUSH_BYTES) {
                if (counters != null) {
                    counters.sent(w.records, w.size());
                }
                isTouched[t] = false;
                ready.add(new Tuple2<>(t, w.finish(source)));
                w.records = 0;
            } else {
                touched[kept++] = t;
            }
        }
        touchedCount = kept;
    }

    @Override
    public final boolean hasNext() {
        while (ready.isEmpty() && !done) {
            if (produce()) {
                flush(false);
            } else {
                done = true;
                flush(true);
            }
        }
        return !ready.isEmpty();
    }

    @Override
    public final Tuple2<Integer, Batch> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }
}
