package io.zetaspark.job.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Spark's own per-stage metrics, as the event log would show them: for every completed stage its
 * job description (the phase a benchmark set with {@code setJobDescription}), task count, duration,
 * the rows and bytes it wrote to and read from the shuffle, its longest and median task and the
 * largest Spark-managed execution memory of a task. Skipped stages (shuffle output
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
        /**
         * Longest and (lower) median successful task, seconds, from {@link #taskSeconds} (the longest
         * against the median shows skew).
         */
        public final double longestTask;
        public final double medianTask;
        /** Largest Spark-managed execution memory (sorts, aggregations, joins) of one task, bytes. */
        public final long peakExecutionMemory;
        /**
         * Most rows one successful task read (shuffle plus input): against {@code (shuffleReadRecords
         * + inputRecords) / tasks} it shows skew without the noise of task times.
         */
        public final long largestTaskRecords;
        /** Every successful task's duration, seconds, longest first. */
        public final double[] taskSeconds;
        /** When the stage was submitted and completed (epoch milliseconds). */
        public final long submitted;
        public final long completed;

        Stage(int id, String phase, String name, int tasks, double seconds, long shuffleWriteRecords,
              long shuffleWriteBytes, long shuffleReadRecords, long inputRecords, long peakExecutionMemory,
              long largestTaskRecords, double[] taskSeconds, long submitted, long completed) {
            this.submitted = submitted;
            this.completed = completed;
            this.largestTaskRecords = largestTaskRecords;
            this.taskSeconds = taskSeconds;
            int n = taskSeconds.length;
            this.longestTask = n == 0 ? 0 : taskSeconds[0];
            this.medianTask = n == 0 ? 0 : taskSeconds[n - 1 - (n - 1) / 2]; // longest first: the lower median
            this.peakExecutionMemory = peakExecutionMemory;
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
    private final Map<Integer, List<Long>> taskMillis = new HashMap<>();
    private final Map<Integer, Long> peakMemory = new HashMap<>();
    private final Map<Integer, Long> largestRead = new HashMap<>();

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() == null || !end.taskInfo().successful()) {
            return;
        }
        taskMillis.computeIfAbsent(end.stageId(), k -> new ArrayList<>()).add(end.taskInfo().duration());
        if (end.taskMetrics() != null) {
            peakMemory.merge(end.stageId(), end.taskMetrics().peakExecutionMemory(), Math::max);
            largestRead.merge(end.stageId(), end.taskMetrics().shuffleReadMetrics().recordsRead()
                    + end.taskMetrics().inputMetrics().recordsRead(), Math::max);
        }
    }

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
        List<Long> millis = taskMillis.getOrDefault(s.stageId(), new ArrayList<>());
        Collections.sort(millis);
        stages.add(new Stage(s.stageId(), phaseOfStage.getOrDefault(s.stageId(), ""),
                at > 0 ? name.substring(at + 4) : name, s.numTasks(), (completed - submitted) / 1e3,
                m == null ? 0 : m.shuffleWriteMetrics().recordsWritten(),
                m == null ? 0 : m.shuffleWriteMetrics().bytesWritten(),
                m == null ? 0 : m.shuffleReadMetrics().recordsRead(),
                m == null ? 0 : m.inputMetrics().recordsRead(),
                peakMemory.getOrDefault(s.stageId(), 0L), largestRead.getOrDefault(s.stageId(), 0L),
                longestFirst(millis), submitted, completed));
        taskMillis.remove(s.stageId());
        peakMemory.remove(s.stageId());
        largestRead.remove(s.stageId());
    }

    private static double[] longestFirst(List<Long> sortedMillis) {
        double[] out = new double[sortedMillis.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sortedMillis.get(out.length - 1 - i) / 1e3;
        }
        return out;
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

    /** The sum of every successful task's duration, seconds. */
    public static double taskSeconds(List<Stage> stages) {
        double t = 0;
        for (Stage s : stages) {
            for (double x : s.taskSeconds) {
                t += x;
            }
        }
        return t;
    }

    /**
     * The time between {@code from} and {@code to} (epoch milliseconds) during which no stage ran:
     * the driver's own work between jobs (planning, collecting summaries), seconds.
     */
    public static double idleSeconds(List<Stage> stages, long from, long to) {
        List<long[]> spans = new ArrayList<>();
        for (Stage s : stages) {
            spans.add(new long[] {Math.max(from, s.submitted), Math.min(to, s.completed)});
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long busy = 0;
        long end = from;
        for (long[] sp : spans) {
            if (sp[1] <= end) {
                continue;
            }
            busy += sp[1] - Math.max(end, sp[0]);
            end = sp[1];
        }
        return Math.max(0, to - from - busy) / 1e3;
    }

    public static long shuffleBytes(List<Stage> stages) {
        long n = 0;
        for (Stage s : stages) {
            n += s.shuffleWriteBytes;
        }
        return n;
    }
}
