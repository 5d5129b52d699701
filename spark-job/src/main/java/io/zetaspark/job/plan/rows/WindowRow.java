package io.zetaspark.job.plan.rows;

/** One row of a (seq, level, curve) sorted run: a key copy (tag 0, vec = k) or a query (tag 1, vec = q). Java bean for Spark's bean encoder (primitive arrays decode without boxing). */
public class WindowRow implements java.io.Serializable, ScanRow {
    private static final long serialVersionUID = 1L;

    private String seq;
    private int level;
    private int curve;
    private long code;
    private int tag;
    /**
     * Sort position within equal codes: a key's pos; a causal query's chunk start (every key of its
     * code at or after it is ineligible, so equal-code runs can be cut anywhere between them);
     * a bidirectional query's Long.MAX_VALUE (after every key of its code).
     */
    private long spos;
    private long pos;
    private float[] vec;

    public WindowRow() {
    }

    public String getSeq() {
        return seq;
    }

    public void setSeq(String value) {
        this.seq = value;
    }

    public int getLevel() {
        return level;
    }

    public void setLevel(int value) {
        this.level = value;
    }

    public int getCurve() {
        return curve;
    }

    public void setCurve(int value) {
        this.curve = value;
    }

    public long getCode() {
        return code;
    }

    public void setCode(long value) {
        this.code = value;
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

    public float[] getVec() {
        return vec;
    }

    public void setVec(float[] value) {
        this.vec = value;
    }

    public long getSpos() {
        return spos;
    }

    public void setSpos(long value) {
        this.spos = value;
    }

    /** The run's level. */
    @Override
    public int runMajor() {
        return level;
    }

    /** The run's curve. */
    @Override
    public int runMinor() {
        return curve;
    }

    @Override
    public long scanCode() {
        return code;
    }
}
