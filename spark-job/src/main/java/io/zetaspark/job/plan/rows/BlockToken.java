package io.zetaspark.job.plan.rows;

/**
 * A token of exact mode's blocked brute force: its block by rank within the sequence
 * ({@code rank div EXACT_BLOCK}) and the sequence's last block. Java bean for Spark's bean encoder.
 */
public class BlockToken implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private String seq;
    private long pos;
    private int block;
    private int lastBlock;
    private float[] q;
    private float[] k;

    public BlockToken() {
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

    public int getBlock() {
        return block;
    }

    public void setBlock(int value) {
        this.block = value;
    }

    public int getLastBlock() {
        return lastBlock;
    }

    public void setLastBlock(int value) {
        this.lastBlock = value;
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
}
