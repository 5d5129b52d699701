package io.zetaspark.job.plan.rows;

/** The union row of the final per-chunk stage: tag 0 mean offset, tag 1 token, tag 2 selected far key. Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class GroupRow implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long chunk;
    private int tag;
    private long pos;
    private int rank;
    private long count;
    private double[] sum;
    private float[] q;
    private float[] k;
    private float[] v;
    private double dist;
    private long kpos;

    public GroupRow() {
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

    public int getTag() {
        return tag;
    }

    public void setTag(int value) {
        this.tag = value;
    }

    public long getPos() {
        return pos;
    }

    public void setPos(long value) {
        this.pos = value;
    }

    public int getRank() {
        return rank;
    }

    public void setRank(int value) {
        this.rank = value;
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
}
