package io.zetaspark.job;

/**
 * Bad operator input: a missing column, an unsupported type, or a row that breaks the contract of
 * docs/ALGORITHM.md (null, NaN/Inf, wrong vector length, negative or duplicate position). The message
 * names the column and, for a bad row, its seq and pos, e.g.
 * {@code column 'q': seq=doc-7 pos=1234: length 2, expected 3 (d from the first row ...)}.
 */
public class ZetaInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String column;
    private final String seq;
    private final Long pos;

    /** A schema problem: no row involved. */
    public ZetaInputException(String column, String problem) {
        super("column '" + column + "': " + problem);
        this.column = column;
        this.seq = null;
        this.pos = null;
    }

    /** A problem of one row, identified by its seq and pos (either may be null when it is the problem). */
    public ZetaInputException(String column, Object seq, Long pos, String problem) {
        super("column '" + column + "': seq=" + seq + " pos=" + pos + ": " + problem);
        this.column = column;
        this.seq = seq == null ? null : String.valueOf(seq);
        this.pos = pos;
    }

    /** A problem of the input as a whole (for example, parameters that do not fit the data). */
    public ZetaInputException(String message, Throwable cause) {
        super(message, cause);
        this.column = null;
        this.seq = null;
        this.pos = null;
    }

    /** The offending column's name, or null. */
    public String column() {
        return column;
    }

    /** The offending row's seq as text, or null (no row, or a null seq). */
    public String seq() {
        return seq;
    }

    /** The offending row's pos, or null (no row, or a null pos). */
    public Long pos() {
        return pos;
    }
}
