package io.zetaspark.job.plan.rows;

/** Candidates of one query from one source (a curve window, a brute-force block), best first. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class CandRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long pos;
    private double[] dist;
    private long[] kpos;

    public CandRow() {
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

    public double[] getDist() {
        return dist;
    }

    public void setDist(double[] value) {
        this.dist = value;
    }

    public long[] getKpos() {
        return kpos;
    }

    public void setKpos(long[] value) {
        this.kpos = value;
    }
}
