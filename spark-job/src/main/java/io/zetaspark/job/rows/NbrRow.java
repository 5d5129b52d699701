package io.zetaspark.job.rows;

/** One selected far key of a query (outside its own chunk) with the key's value vector, after the gather join. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class NbrRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long chunk;
    private long qpos;
    private int rank;
    private double dist;
    private long kpos;
    private float[] v;

    public NbrRow() {
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

    public long getQpos() {
        return qpos;
    }

    public void setQpos(long value) {
        this.qpos = value;
    }

    public int getRank() {
        return rank;
    }

    public void setRank(int value) {
        this.rank = value;
    }

    public double getDist() {
        return dist;
    }

    public void setDist(double value) {
        this.dist = value;
    }

    public long getKpos() {
        return kpos;
    }

    public void setKpos(long value) {
        this.kpos = value;
    }

    public float[] getV() {
        return v;
    }

    public void setV(float[] value) {
        this.v = value;
    }
}
