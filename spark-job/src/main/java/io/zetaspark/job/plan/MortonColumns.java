package io.zetaspark.job.plan;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftleft;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.when;

import io.zetaspark.kernels.ShiftedCurves;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The quantiser and Morton interleave of {@link ShiftedCurves} written as plain Catalyst
 * expressions (casts, arithmetic, floor, CASE, shifts and bitwise and/or), so that the RAPIDS
 * Accelerator can run them on the GPU and the CPU plan gets whole-stage codegen. The formula is
 * operation-for-operation the one in ShiftedCurves; {@code MortonColumnsTest} checks equality.
 */
public final class MortonColumns {
    private MortonColumns() {
    }

    /** The unshifted cell of component m of an array&lt;float&gt; column. */
    public static Column cell(ShiftedCurves sc, Column vec, int m) {
        Column v = vec.getItem(m).cast(DataTypes.DoubleType).minus(lit(sc.lo(m))).multiply(lit(sc.scale(m)));
        return when(v.lt(lit(0.0)), lit(0L))
                .when(v.geq(lit(sc.halfGrid())), lit(sc.maxCell()))
                .otherwise(floor(v).cast(DataTypes.LongType));
    }

    /** The Morton code of the vector column on one curve. */
    public static Column code(ShiftedCurves sc, Column vec, int curve) {
        Column[] cells = new Column[sc.dims()];
        for (int m = 0; m < cells.length; m++) {
            cells[m] = cell(sc, vec, m);
        }
        return codeOfCells(sc, cells, curve);
    }

    /**
     * The Morton code on one curve from the d unshifted cell columns. Pass column references
     * (cells projected beforehand) rather than the cell expressions themselves: the interleave
     * refers to each cell many times, and Catalyst does not collapse a projection whose costly
     * expressions the next one would duplicate, so each cell is computed once per token.
     */
    public static Column codeOfCells(ShiftedCurves sc, Column[] unshifted, int curve) {
        int d = sc.dims();
        Column[] cells = new Column[d];
        for (int m = 0; m < d; m++) {
            Column c = unshifted[m];
            long shift = sc.shift(curve, m);
            cells[m] = shift == 0 ? c : c.plus(lit(shift));
        }
        int b = sc.bits();
        if (d == 1) {
            return cells[0];
        }
        if (d == 3 && b <= 21) {
            return shiftleft(spread3(cells[0]), 2)
                    .bitwiseOR(shiftleft(spread3(cells[1]), 1)).bitwiseOR(spread3(cells[2]));
        }
        if (d == 2 && b <= 31) {
            return shiftleft(spread2(cells[0]), 1).bitwiseOR(spread2(cells[1]));
        }
        return general(cells, d, b);
    }

    // Bit t of dimension m goes to code bit t·d + (d−1−m).
    private static Column general(Column[] cells, int d, int b) {
        Column code = lit(0L);
        for (int t = 0; t < b; t++) {
            for (int m = 0; m < d; m++) {
                Column bit = shiftright(cells[m], t).bitwiseAND(lit(1L));
                code = code.bitwiseOR(shiftleft(bit, t * d + (d - 1 - m)));
            }
        }
        return code;
    }

    private static Column step(Column x, int shift, long mask) {
        return x.bitwiseOR(shiftleft(x, shift)).bitwiseAND(lit(mask));
    }

    private static Column spread3(Column x) {
        x = x.bitwiseAND(lit(0x1FFFFFL));
        x = step(x, 32, 0x001F00000000FFFFL);
        x = step(x, 16, 0x001F0000FF0000FFL);
        x = step(x, 8, 0x100F00F00F00F00FL);
        x = step(x, 4, 0x10C30C30C30C30C3L);
        return step(x, 2, 0x1249249249249249L);
    }

    private static Column spread2(Column x) {
        x = x.bitwiseAND(lit(0x7FFFFFFFL));
        x = step(x, 16, 0x0000FFFF0000FFFFL);
        x = step(x, 8, 0x00FF00FF00FF00FFL);
        x = step(x, 4, 0x0F0F0F0F0F0F0F0FL);
        x = step(x, 2, 0x3333333333333333L);
        return step(x, 1, 0x5555555555555555L);
    }
}
