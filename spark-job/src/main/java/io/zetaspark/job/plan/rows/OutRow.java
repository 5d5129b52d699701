package io.zetaspark.job.plan.rows;

/** One output token. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class OutRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long pos;
    private float[] out;
    private long[] nbrPos;
    private float[] nbrW;
    private double nnDist;

    public OutRow() {
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

    public float[] getOut() {
        return out;
    }

    public void setOut(float[] value) {
        this.out = value;
    }

    public long[] getNbrPos() {
        return nbrPos;
    }

    public void setNbrPos(long[] value) {
        this.nbrPos = value;
    }

    public float[] getNbrW() {
        return nbrW;
    }

    public void setNbrW(float[] value) {
        this.nbrW = value;
    }

    public double getNnDist() {
        return nnDist;
    }

    public void setNnDist(double value) {
        this.nnDist = value;
    }
}
