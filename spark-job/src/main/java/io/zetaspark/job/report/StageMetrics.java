package io.zetaspark.job.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;

/**
 * Spark's own per-stage metrics, as the event log would show them: for every completed stage its
 * job description (the phase a benchmark set with {@code setJobDescription}), task count, duration
 * and the rows and bytes it wrote to and read from the shuffle. Skipped stages (shuffle output
 * reused) never complete and so are not counted.
 */
final class StageMetrics extends SparkListener {
    /** One completed stage. */
    static final class Stage {
        final int id;
        final String phase;
        final String name;
        final int tasks;
        final double seconds;
        final long shuffleWriteRecords;
        final long shuffleWriteBytes;
        final long shuffleReadRecords;
        final long inputRecords;

        Stage(int id, String phase, String name, int tasks, double seconds, long shuffleWriteRecords,
              long shuffleWriteBytes, long shuffleReadRecords, long inputRecords) {
            this.id = id;
            this.phase = phase;
            this.name = name;
            this.tasks = tasks;
            this.seconds = seconds;
            this.shuffleWriteRecords = shuffleWriteRecords;
            this.shuffleWriteBytes = shuffleWriteBytes;
            this.shuffleReadRecords = shuffleReadRecords;
            this.inputRecords = inputRecords;
        }
    }

    private final List<Stage> stages = new ArrayList<>();
    private final Map<Integer, String> phaseOfStage = new HashMap<>();

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
        String phase = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
        scala.collection.Iterator<StageInfo> it = job.stageInfos().iterator();
        while (it.hasNext()) {
            phaseOfStage.put(it.next().stageId(), phase == null ? "" : phase);
        }
    }

    @Override
    public synchronized void onStageCompleted(SparkListenerStageCompleted done) {
        StageInfo s = done.stageInfo();
        TaskMetrics m = s.taskMetrics();
        long submitted = s.submissionTime().isDefined() ? (Long) s.submissionTime().get() : 0L;
        long completed = s.completionTime().isDefined() ? (Long) s.completionTime().get() : submitted;
        String name = s.name();
        int at = name.indexOf(" at ");
        stages.add(new Stage(s.stageId(), phaseOfStage.getOrDefault(s.stageId(), ""),
                at > 0 ? name.substring(at + 4) : name, s.numTasks(), (completed - submitted) / 1e3,
                m == null ? 0 : m.shuffleWriteMetrics().recordsWritten(),
                m == null ? 0 : m.shuffleWriteMetrics().bytesWritten(),
                m == null ? 0 : m.shuffleReadMetrics().recordsRead(),
                m == null ? 0 : m.inputMetrics().recordsRead()));
    }

    /** Waits until every event posted so far has reached the listeners. */
    static void drain(SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain: " + e.getMessage(), e);
        }
    }

    synchronized int mark() {
        return stages.size();
    }

    /** The stages completed since {@code mark}. */
    synchronized List<Stage> since(int mark) {
        return new ArrayList<>(stages.subList(mark, stages.size()));
    }

    static long shuffleRecords(List<Stage> stages) {
        long n = 0;
        for (Stage s : stages) {
            n += s.shuffleWriteRecords;
        }
        return n;
    }

    static long shuffleBytes(List<Stage> stages) {
        long n = 0;
        for (Stage s : stages) {
            n += s.shuffleWriteBytes;
        }
        return n;
    }
}
