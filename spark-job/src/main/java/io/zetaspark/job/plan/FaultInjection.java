package io.zetaspark.job.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Test-only faults, for the fault-tolerance tests on a real cluster: read from the executor's
 * SparkConf (so set with {@code --conf} at submit time), off unless set, and only ever on the first
 * attempt of a task in the first attempt of its stage, so that Spark's retry must recover.
 * <ul>
 *   <li>{@value #FAIL_CONF} = a comma-separated list of stages (validation, engine, window, merge,
 *       final) or {@code all}: the first attempt of every task of those stages throws;</li>
 *   <li>{@value #PAUSE_CONF} = {@code stage:millis:dir}: the first attempt of every task of that
 *       stage writes {@code dir/<stage>-<partition>.pid} holding its executor's process id, then
 *       sleeps, so that a test can kill that executor while the stage runs.</li>
 * </ul>
 * Every stage calls {@link #at} once per partition; unset, it costs one conf lookup.
 */
public final class FaultInjection {
    public static final String FAIL_CONF = "spark.zeta.test.failFirstAttempt";
    public static final String PAUSE_CONF = "spark.zeta.test.pauseFirstAttempt";

    private FaultInjection() {
    }

    /** The fault configured for {@code stage}, if any, on this task's first attempt. */
    public static void at(String stage) {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        if (task == null || env == null || task.attemptNumber() > 0 || task.stageAttemptNumber() > 0) {
            return;
        }
        SparkConf conf = env.conf();
        String fail = conf.get(FAIL_CONF, "");
        if (!fail.isEmpty() && (fail.equals("all") || (',' + fail + ',').contains(',' + stage + ','))) {
            throw new IllegalStateException("injected fault (" + FAIL_CONF + "): first attempt of task "
                    + task.partitionId() + " of stage " + task.stageId() + " (" + stage + ")");
        }
        String pause = conf.get(PAUSE_CONF, "");
        if (pause.startsWith(stage + ":")) {
            String[] parts = pause.split(":", 3);
            try {
                Path marker = Path.of(parts[2], stage + "-" + task.partitionId() + ".pid");
                Files.writeString(marker, String.valueOf(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
                Thread.sleep(Long.parseLong(parts[1]));
            } catch (IOException e) {
                throw new IllegalStateException("fault injection: cannot write the marker of " + PAUSE_CONF, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
