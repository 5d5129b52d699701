package io.zetaspark.job.plan.rows;

/** A validated token: sequence key (as a string), position, its chunk, q, k and v. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class TokenRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long pos;
    private long chunk;
    private float[] q;
    private float[] k;
    private float[] v;
    /** Rows of this sequence below this position are keys only (a part of a split sequence); 0: all rows are queries. */
    private long queryFrom;

    public TokenRow() {
    }

    public String getSeq() {
        return seq;
    }

    public void setSeq(String value) {
        this.seq = value;
    }

    public long getPos() {
        return pos;
    }

    public void setPos(long value) {
        this.pos = value;
    }

    public long getChunk() {
        return chunk;
    }

    public void setChunk(long value) {
        this.chunk = value;
    }

    public float[] getQ() {
        return q;
    }

    public void setQ(float[] value) {
        this.q = value;
    }

    public float[] getK() {
        return k;
    }

    public void setK(float[] value) {
        this.k = value;
    }

    public float[] getV() {
        return v;
    }

    public void setV(float[] value) {
        this.v = value;
    }

    public long getQueryFrom() {
        return queryFrom;
    }

    public void setQueryFrom(long value) {
        this.queryFrom = value;
    }
}
