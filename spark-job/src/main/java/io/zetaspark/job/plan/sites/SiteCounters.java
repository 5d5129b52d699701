package io.zetaspark.job.plan.sites;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * What the sites send one another, counted by Spark accumulators: records (the plan's logical rows:
 * a key, a query, a candidate list, a value...) and their encoded bytes, next to Spark's own shuffle
 * metrics (which count batches, not records). A statistic only: a retried task counts twice.
 */
final class SiteCounters implements Serializable {
    private static final long serialVersionUID = 1L;
    final LongAccumulator records;
    final LongAccumulator bytes;

    SiteCounters(SparkContext sc) {
        this.records = sc.longAccumulator("zeta.sites.records");
        this.bytes = sc.longAccumulator("zeta.sites.bytes");
    }

    void sent(long recordCount, long byteCount) {
        records.add(recordCount);
        bytes.add(byteCount);
    }
}
