package io.zetaspark.job.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;

/**
 * The caches and broadcasts one run of the plan creates (the sites' cached state, exact mode's chunk
 * totals, the sequences' plans and count broadcasts), remembered per result so that
 * {@link Zeta#release} can free them once the result is written: a notebook that calls the
 * operator again and again must not pile up cached intermediates. While {@link ZetaPlan} builds a plan, the stages register what they create here.
 */
public final class PlanResources {
    private static final ThreadLocal<PlanResources> BUILDING = new ThreadLocal<>();
    private static final Map<Dataset<?>, PlanResources> BY_RESULT = Collections.synchronizedMap(new WeakHashMap<>());

    private final List<Dataset<?>> cached = new ArrayList<>();
    private final List<Broadcast<?>> broadcasts = new ArrayList<>();
    private final List<JavaRDD<?>> rdds = new ArrayList<>();

    /** Starts collecting for the plan being built on this thread; returns the previous collector. */
    static PlanResources begin() {
        PlanResources before = BUILDING.get();
        BUILDING.set(new PlanResources());
        return before;
    }

    /** Ends collecting: the collected resources belong to {@code result}. */
    static void end(Dataset<?> result, PlanResources before) {
        PlanResources r = BUILDING.get();
        if (before == null) {
            BUILDING.remove();
        } else {
            BUILDING.set(before);
        }
        if (r != null && result != null && (!r.cached.isEmpty() || !r.broadcasts.isEmpty() || !r.rdds.isEmpty())) {
            BY_RESULT.put(result, r);
        }
    }

    static <T> Dataset<T> cache(Dataset<T> ds) {
        PlanResources r = BUILDING.get();
        if (r != null) {
            r.cached.add(ds);
        }
        return ds;
    }

    /** Registers a cached RDD of the plan being built on this thread (released with its result). */
    public static <T> JavaRDD<T> cache(JavaRDD<T> rdd) {
        PlanResources r = BUILDING.get();
        if (r != null) {
            r.rdds.add(rdd);
        }
        return rdd;
    }

    /** Registers a broadcast of the plan being built on this thread (released with its result). */
    public static <T> Broadcast<T> broadcast(Broadcast<T> b) {
        PlanResources r = BUILDING.get();
        if (r != null) {
            r.broadcasts.add(b);
        }
        return b;
    }

    /** Frees what the plan of {@code result} created; returns how many caches and broadcasts. */
    public static int release(Dataset<?> result) {
        PlanResources r = BY_RESULT.remove(result);
        if (r == null) {
            return 0;
        }
        for (Dataset<?> d : r.cached) {
            d.unpersist(false);
        }
        for (JavaRDD<?> d : r.rdds) {
            d.unpersist(false);
        }
        for (Broadcast<?> b : r.broadcasts) {
            b.unpersist(false); // executors drop their copies; the driver keeps the value, so the result stays usable
        }
        return r.cached.size() + r.rdds.size() + r.broadcasts.size();
    }
}
