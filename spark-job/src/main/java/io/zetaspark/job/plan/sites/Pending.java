package io.zetaspark.job.plan.sites;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import scala.Tuple2;

/** Records a step decides to send, kept in its state until the next exchange (few: walks, their lists, chunk bases). */
final class Pending {
    private final Map<Integer, Batch.Writer> writers = new TreeMap<>();
    private final int source;
    private long records;

    Pending(int source) {
        this.source = source;
    }

    Batch.Writer to(int target) {
        return writers.computeIfAbsent(target, t -> new Batch.Writer(256));
    }

    /** The batches, one per target, and how many records they hold ({@link #records}). */
    List<Tuple2<Integer, Batch>> finish() {
        List<Tuple2<Integer, Batch>> out = new ArrayList<>();
        for (Map.Entry<Integer, Batch.Writer> e : writers.entrySet()) {
            Batch.Writer w = e.getValue();
            records += w.records;
            out.add(new Tuple2<>(e.getKey(), w.finish(source)));
            w.records = 0;
        }
        writers.clear();
        return out;
    }

    long records() {
        return records;
    }
}
