package io.zetaspark.job.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.KernelType;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's and the plan's outputs against {@link BruteForceReference}, a separately written
 * computation of weights, mean slot and normalisation: for all three kernels, with and without the
 * mean slot and self, causal and bidirectional, on data with exact ties and gaps, to 1e-5 relative.
 * Given each query's selected positions the reference recomputes out, nbr_w and nn_dist; in exact
 * mode it also computes the selection itself (the exact top-k with the tie rule).
 */
class ReferenceOutputTest {
    private static final double TOL = 1e-5;

    static Stream<Arguments> configurations() {
        ZetaParams base = ZetaParams.defaults().withK(6).withWindow(8).withChunkSize(16);
        List<Arguments> out = new ArrayList<>();
        for (KernelType kernel : KernelType.values()) {
            ZetaParams p = base.withKernel(kernel).withTau(0.7).withGamma(0.3);
            out.add(Arguments.of(kernel + " causal", p));
            out.add(Arguments.of(kernel + " no mean slot", p.withMeanSlot(false)));
            out.add(Arguments.of(kernel + " bidirectional without self", p.withCausal(false).withIncludeSelf(false)));
            out.add(Arguments.of(kernel + " exact without self", p.withExact(true).withIncludeSelf(false)));
        }
        out.add(Arguments.of("cauchy exact bidirectional", base.withExact(true).withCausal(false)));
        return out.stream();
    }

    private static BruteForceReference reference(ZetaParams p) {
        return new BruteForceReference(p.kernel().name().toLowerCase(java.util.Locale.ROOT), p.gamma(), p.tau(),
                p.meanSlot(), p.causal(), p.includeSelf());
    }

    private static BruteForceReference.Tokens tokens(TokenSequence s) {
        int n = s.size();
        int d = s.d();
        int dv = s.dv();
        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            q[i] = Arrays.copyOfRange(s.q(), i * d, i * d + d);
            k[i] = Arrays.copyOfRange(s.k(), i * d, i * d + d);
            v[i] = Arrays.copyOfRange(s.v(), i * dv, i * dv + dv);
        }
        return new BruteForceReference.Tokens(s.pos().clone(), q, k, v);
    }

    /** Relative error of {@code got} against {@code ref}: |got − ref| / max(|ref|, 1e-30) in L2. */
    private static double relative(float[] got, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (got[i] - ref[i]) * (got[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }

    /** Compares one engine's outputs with the reference; returns the worst relative error of out. */
    private static double check(String what, BruteForceReference ref, BruteForceReference.Tokens t, ZetaParams p,
                                Map<Long, long[]> nbrPos, Map<Long, float[]> out, Map<Long, float[]> nbrW,
                                Map<Long, Double> nn, List<String> bad) {
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < t.n(); i++) {
            index.put(t.pos()[i], i);
        }
        double worst = 0;
        for (int i = 0; i < t.n(); i++) {
            long pos = t.pos()[i];
            List<Integer> selected = new ArrayList<>();
            for (long kp : nbrPos.get(pos)) {
                Integer j = index.get(kp);
                if (j == null || !ref.eligible(t, i, j)) {
                    bad.add(what + " pos " + pos + ": selected " + kp + " is not an eligible key");
                    continue;
                }
                selected.add(j);
            }
            if (p.exact() && !selected.equals(ref.exactTopK(t, i, p.k()))) {
                bad.add(what + " pos " + pos + ": exact selection differs from the reference's top-k");
            }
            BruteForceReference.Output r = ref.output(t, i, selected);
            double e = relative(out.get(pos), r.out());
            worst = Math.max(worst, e);
            if (!(e <= TOL)) {
                bad.add(what + " pos " + pos + ": out " + Arrays.toString(out.get(pos)) + " reference "
                        + Arrays.toString(r.out()) + " (relative error " + e + ")");
            }
            float[] w = nbrW.get(pos);
            for (int j = 0; j < r.nbrW().length; j++) {
                if (!(Math.abs(w[j] - r.nbrW()[j]) <= TOL * Math.max(Math.abs(r.nbrW()[j]), 1e-12))) {
                    bad.add(what + " pos " + pos + ": nbr_w[" + j + "] " + w[j] + " reference " + r.nbrW()[j]);
                    break;
                }
            }
            double a = nn.get(pos);
            if (!(a == r.nnDist() || Math.abs(a - r.nnDist()) <= TOL * r.nnDist())) {
                bad.add(what + " pos " + pos + ": nn_dist " + a + " reference " + r.nnDist());
            }
        }
        return worst;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void engineAndPlanMatchTheIndependentReference(String name, ZetaParams p) {
        Map<String, TokenSequence> seqs = new HashMap<>();
        // exact ties (a small vocabulary) with gaps, and clustered keys
        seqs.put("ties", new TokenGenerator(TokenGenerator.Kind.TIES, 3, 3, 4).sequence(3, 700, 3));
        seqs.put("clustered", new TokenGenerator(TokenGenerator.Kind.CLUSTERED, 4, 3, 4).sequence(4, 500, 1));
        List<Row> rows = new ArrayList<>();
        seqs.forEach((seq, s) -> rows.addAll(PlanFixtures.rows(seq, s)));
        // through the distributed stages (every sequence), and through the in-task route
        Map<String, Row> distributed = PlanFixtures.distributed(PlanFixtures.frame(PlanFixtures.spark(), rows, 3, 7), p);
        Map<String, Row> local = PlanFixtures.byKey(ZetaPlan.transform(PlanFixtures.frame(PlanFixtures.spark(), rows, 2, 5),
                p, ZetaColumns.defaults()));
        BruteForceReference ref = reference(p);
        List<String> bad = new ArrayList<>();
        double worst = 0;
        for (Map.Entry<String, TokenSequence> e : seqs.entrySet()) {
            TokenSequence s = e.getValue();
            BruteForceReference.Tokens t = tokens(s);
            AttentionResult engine = new ZetaAttention(p).run(s);
            Map<Long, long[]> nbr = new HashMap<>();
            Map<Long, float[]> out = new HashMap<>();
            Map<Long, float[]> w = new HashMap<>();
            Map<Long, Double> nn = new HashMap<>();
            for (int i = 0; i < engine.size(); i++) {
                nbr.put(engine.pos[i], engine.selection.positionsOf(i));
                out.put(engine.pos[i], engine.outOf(i));
                w.put(engine.pos[i], engine.weightsOf(i));
                nn.put(engine.pos[i], engine.nnDist[i]);
            }
            worst = Math.max(worst, check(e.getKey() + " engine", ref, t, p, nbr, out, w, nn, bad));
            for (Map.Entry<String, Map<String, Row>> plan : Map.of("distributed", distributed, "in-task", local).entrySet()) {
                Map<Long, long[]> pn = new HashMap<>();
                Map<Long, float[]> po = new HashMap<>();
                Map<Long, float[]> pw = new HashMap<>();
                Map<Long, Double> pd = new HashMap<>();
                for (long pos : s.pos()) {
                    Row r = plan.getValue().get(e.getKey() + "/" + pos);
                    pn.put(pos, PlanFixtures.longs(r, "nbr_pos"));
                    po.put(pos, PlanFixtures.floats(r, "out"));
                    pw.put(pos, PlanFixtures.floats(r, "nbr_w"));
                    pd.put(pos, r.getAs("nn_dist"));
                }
                worst = Math.max(worst, check(e.getKey() + " " + plan.getKey(), ref, t, p, pn, po, pw, pd, bad));
            }
        }
        assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())), bad.size() + " differences");
        // the comparison is not vacuous: float outputs differ from the double reference by rounding
        assertTrue(worst > 0, "every output equal to the double reference to the last bit is implausible");
    }
}
