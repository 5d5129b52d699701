package io.zetaspark.job.plan.rows;

/**
 * A token row as the validation pass sees it, after the shuffle that groups sequences: the token
 * fields plus what the per-row check found ({@code badCol}/{@code badText}, null when the row is
 * fine), the vector lengths, and whether pos was null (pos then reads Long.MIN_VALUE, and q, k, v
 * of a bad row are null). Java bean for Spark's bean encoder.
 */
public class CheckedToken extends TokenRow {
    private static final long serialVersionUID = 1L;

    private boolean posNull;
    private int ql;
    private int vl;
    private String badCol;
    private String badText;

    public CheckedToken() {
    }

    public boolean getPosNull() {
        return posNull;
    }

    public void setPosNull(boolean value) {
        this.posNull = value;
    }

    public int getQl() {
        return ql;
    }

    public void setQl(int value) {
        this.ql = value;
    }

    public int getVl() {
        return vl;
    }

    public void setVl(int value) {
        this.vl = value;
    }

    public String getBadCol() {
        return badCol;
    }

    public void setBadCol(String value) {
        this.badCol = value;
    }

    public String getBadText() {
        return badText;
    }

    public void setBadText(String value) {
        this.badText = value;
    }
}
