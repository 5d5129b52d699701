package io.zetaspark.job.plan.rows;

/** Sum of [k, v] over one chunk in position order (or over a super-block's chunks, or a mean-slot offset: the sums before a chunk), and its token count. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class ChunkSumRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long chunk;
    private long count;
    private double[] sum;

    public ChunkSumRow() {
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
