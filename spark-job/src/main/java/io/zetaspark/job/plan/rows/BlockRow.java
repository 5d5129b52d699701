package io.zetaspark.job.plan.rows;

/**
 * One row of exact mode's brute-force group (seq, query block, key block): a key of the key block
 * (tag 0, vec = k) or a query of the query block (tag 1, vec = q). Every row of a group has the
 * same code, so the scan's unbounded window scores every key. Java bean for Spark's bean encoder.
 */
public class BlockRow implements java.io.Serializable, ScanRow {
    private static final long serialVersionUID = 1L;

    private String seq;
    private int queryBlock;
    private int keyBlock;
    private int tag;
    private long pos;
    private float[] vec;

    public BlockRow() {
    }

    public String getSeq() {
        return seq;
    }

    public void setSeq(String value) {
        this.seq = value;
    }

    public int getQueryBlock() {
        return queryBlock;
    }

    public void setQueryBlock(int value) {
        this.queryBlock = value;
    }

    public int getKeyBlock() {
        return keyBlock;
    }

    public void setKeyBlock(int value) {
        this.keyBlock = value;
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

    @Override
    public int runMajor() {
        return queryBlock;
    }

    @Override
    public int runMinor() {
        return keyBlock;
    }

    @Override
    public long scanCode() {
        return 0L;
    }
}
