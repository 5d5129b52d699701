package io.zetaspark.job.report;

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
 * reused) never complete and so are not counted. Used by the run report ({@code run --report}) and
 * the benchmark programs.
 */
public final class StageMetrics extends SparkListener {
    /** One completed stage. */
    public static final class Stage {
        public final int id;
        public final String phase;
        public final String name;
        public final int tasks;
        public final double seconds;
        public final long shuffleWriteRecords;
        public final long shuffleWriteBytes;
        public final long shuffleReadRecords;
        public final long inputRecords;

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
    public static void drain(SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain: " + e.getMessage(), e);
        }
    }

    public synchronized int mark() {
        return stages.size();
    }

    /** The stages completed since {@code mark}. */
    public synchronized List<Stage> since(int mark) {
        return new ArrayList<>(stages.subList(mark, stages.size()));
    }

    public static long shuffleRecords(List<Stage> stages) {
        long n = 0;
        for (Stage s : stages) {
            n += s.shuffleWriteRecords;
        }
        return n;
    }

    public static long shuffleBytes(List<Stage> stages) {
        long n = 0;
        for (Stage s : stages) {
            n += s.shuffleWriteBytes;
        }
        return n;
    }
}
