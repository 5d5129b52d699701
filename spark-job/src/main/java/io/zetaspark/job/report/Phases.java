package io.zetaspark.job.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;

/**
 * Wall-clock phases of a run: each start ends the previous phase and names the Spark jobs that
 * follow ({@code spark.job.description}), so the report's stage table says which phase a stage
 * belongs to, as the Spark UI would.
 */
public final class Phases {
    private final SparkContext sc;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private String current;
    private long started;

    public Phases(SparkContext sc) {
        this.sc = sc;
    }

    public void start(String name) {
        end();
        current = name;
        started = System.nanoTime();
        sc.setJobDescription(name);
    }

    public void end() {
        if (current != null) {
            seconds.merge(current, (System.nanoTime() - started) / 1e9, Double::sum);
            current = null;
            sc.setJobDescription(null);
        }
    }

    /** Ends the current phase and copies every phase into the report. */
    public void into(RunReport report) {
        end();
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            report.phase(e.getKey(), e.getValue());
        }
    }
}
