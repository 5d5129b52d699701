package io.zetaspark.job;

import io.zetaspark.job.io.InputValidator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Input and output column names of the operator. Output columns {@code nbr_pos}, {@code nbr_w} and
 * {@code nn_dist} are produced only when their name is non-empty.
 */
public final class ZetaColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private String seq = "seq";
    private String pos = "pos";
    private String q = "q";
    private String k = "k";
    private String v = "v";
    private String out = "out";
    private String nbrPos = "nbr_pos";
    private String nbrW = "nbr_w";
    private String nnDist = "nn_dist";

    public static ZetaColumns defaults() {
        return new ZetaColumns();
    }

    private ZetaColumns copy() {
        ZetaColumns c = new ZetaColumns();
        c.seq = seq;
        c.pos = pos;
        c.q = q;
        c.k = k;
        c.v = v;
        c.out = out;
        c.nbrPos = nbrPos;
        c.nbrW = nbrW;
        c.nnDist = nnDist;
        return c;
    }

    private static String req(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " column name must not be empty");
        }
        return name;
    }

    private static String opt(String name) {
        return name == null ? "" : name;
    }

    public ZetaColumns withSeq(String name) {
        ZetaColumns c = copy();
        c.seq = req(name, "seq");
        return c;
    }

    public ZetaColumns withPos(String name) {
        ZetaColumns c = copy();
        c.pos = req(name, "pos");
        return c;
    }

    public ZetaColumns withQ(String name) {
        ZetaColumns c = copy();
        c.q = req(name, "q");
        return c;
    }

    public ZetaColumns withK(String name) {
        ZetaColumns c = copy();
        c.k = req(name, "k");
        return c;
    }

    public ZetaColumns withV(String name) {
        ZetaColumns c = copy();
        c.v = req(name, "v");
        return c;
    }

    public ZetaColumns withOut(String name) {
        ZetaColumns c = copy();
        c.out = req(name, "out");
        return c;
    }

    /** Empty or null: do not produce the column. */
    public ZetaColumns withNbrPos(String name) {
        ZetaColumns c = copy();
        c.nbrPos = opt(name);
        return c;
    }

    public ZetaColumns withNbrW(String name) {
        ZetaColumns c = copy();
        c.nbrW = opt(name);
        return c;
    }

    public ZetaColumns withNnDist(String name) {
        ZetaColumns c = copy();
        c.nnDist = opt(name);
        return c;
    }

    public String seq() {
        return seq;
    }

    public String pos() {
        return pos;
    }

    public String q() {
        return q;
    }

    public String k() {
        return k;
    }

    public String v() {
        return v;
    }

    public String out() {
        return out;
    }

    public String nbrPos() {
        return nbrPos;
    }

    public String nbrW() {
        return nbrW;
    }

    public String nnDist() {
        return nnDist;
    }

    /**
     * The output schema for an input schema, after checking the input columns and types (no job
     * runs): {@code seq} (string or long), {@code pos} long, {@code out} array&lt;float&gt;, then the
     * optional {@code nbr_pos} array&lt;long&gt;, {@code nbr_w} array&lt;float&gt; and
     * {@code nn_dist} double.
     */
    public StructType outputSchema(StructType input) {
        InputValidator.checkSchema(input, this);
        List<String> names = new ArrayList<>();
        names.add(seq());
        names.add(pos());
        names.add(out());
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(seq(), InputValidator.seqType(input, seq()), false));
        fields.add(DataTypes.createStructField(pos(), DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(out(), DataTypes.createArrayType(DataTypes.FloatType, false), false));
        optional(fields, names, nbrPos(), DataTypes.createArrayType(DataTypes.LongType, false));
        optional(fields, names, nbrW(), DataTypes.createArrayType(DataTypes.FloatType, false));
        optional(fields, names, nnDist(), DataTypes.DoubleType);
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("output column '" + n + "' is named twice; output columns: "
                        + String.join(", ", names));
            }
        }
        return DataTypes.createStructType(fields);
    }

    private static void optional(List<StructField> fields, List<String> names, String name, DataType type) {
        if (!name.isEmpty()) {
            names.add(name);
            fields.add(DataTypes.createStructField(name, type, false));
        }
    }
}
