package io.zetaspark.job.rows;

/** Mean-slot offset of a chunk: (super-block prefix + chunk prefix) of [k, v] sums and the count before the chunk; the whole-sequence total in bidirectional mode. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class OffsetRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long chunk;
    private long count;
    private double[] sum;

    public OffsetRow() {
    }

    public String getSeq() {
        return seq;
    }

    public void setSeq(String value) {
        this.seq = value;
    }

    public long getChunk() {
        return chunk;
    }

    public void setChunk(long value) {
        this.chunk = value;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long value) {
        this.count = value;
    }

    public double[] getSum() {
        return sum;
    }

    public void setSum(double[] value) {
        this.sum = value;
    }
}
