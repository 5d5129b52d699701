package io.zetaspark.job.plan.rows;

/** A token with its Morton codes on every curve (computed by Catalyst expressions). Java bean for Spark's bean encoder. */
public class CodedToken implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long pos;
    private long chunk;
    private float[] q;
    private float[] k;
    private long[] qcodes;
    private long[] kcodes;

    public CodedToken() {
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

    public long[] getQcodes() {
        return qcodes;
    }

    public void setQcodes(long[] value) {
        this.qcodes = value;
    }

    public long[] getKcodes() {
        return kcodes;
    }

    public void setKcodes(long[] value) {
        this.kcodes = value;
    }
}
