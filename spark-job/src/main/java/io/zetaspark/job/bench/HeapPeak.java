package io.zetaspark.job.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak heap a step needed, in local mode, where the executors are this JVM: the largest heap
 * occupancy measured right after a garbage collection while the step ran (every collector's
 * notification carries the pools' usage after it). Unlike a sampled "heap used", this does not
 * count garbage that a large heap lets pile up, so it tracks what the step keeps live; it is an
 * upper bound of that (a young collection leaves old garbage in place), and 0 if no collection ran.
 */
final class HeapPeak implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final List<Runnable> removals = new ArrayList<>();

    HeapPeak() {
        NotificationListener listener = (n, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                used += e.getValue().getUsed();
            }
            peak.accumulateAndGet(used, Math::max);
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                NotificationEmitter em = (NotificationEmitter) gc;
                em.addNotificationListener(listener, null, null);
                removals.add(() -> {
                    try {
                        em.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
    }

    /** Bytes: the largest after-collection heap occupancy seen so far. */
    long bytes() {
        return peak.get();
    }

    @Override
    public void close() {
        removals.forEach(Runnable::run);
    }
}
