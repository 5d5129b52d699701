package io.zetaspark.job.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.Fixtures;
import io.zetaspark.job.Zeta;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.ZetaInputException;
import io.zetaspark.kernels.ZetaParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZetaAttentionTransformerTest {
    @TempDir
    Path dir;

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static List<String> names(StructType s) {
        return Arrays.asList(s.fieldNames());
    }

    @Test
    void defaultsMirrorZetaParamsAndZetaColumns() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer();
        assertEquals(ZetaParams.defaults().toString(), t.toZetaParams().toString());
        ZetaColumns c = t.toColumns();
        ZetaColumns d = ZetaColumns.defaults();
        assertEquals(List.of(d.seq(), d.pos(), d.q(), d.k(), d.v(), d.out(), d.nbrPos(), d.nbrW(), d.nnDist()),
                List.of(c.seq(), c.pos(), c.q(), c.k(), c.v(), c.out(), c.nbrPos(), c.nbrW(), c.nnDist()));
        assertEquals(25, t.params().length, t.explainParams());
        assertTrue(t.getKeepInputVectors());
    }

    @Test
    void settersChainAndReachTheOperatorParameters() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer()
                .setK(8).setCurves(2).setWindow(64).setChunkSize(128).setBits(10).setRange(-4, 4).setGamma(0.25)
                .setTau(2).setKernel("Softmax").setMeanSlot(false).setIncludeSelf(false).setCausal(false).setExact(true)
                .setSeed(7).setSeqCol("doc").setPosCol("i").setQCol("qq").setKCol("kk").setVCol("vv")
                .setOutputCol("o").setNbrPosCol("").setNbrWCol("w").setNnDistCol("");
        ZetaParams expected = ZetaParams.defaults().withK(8).withCurves(2).withWindow(64).withChunkSize(128).withBits(10)
                .withRange(-4, 4).withGamma(0.25).withTau(2).withKernel(io.zetaspark.kernels.KernelType.SOFTMAX)
                .withMeanSlot(false).withIncludeSelf(false).withCausal(false).withExact(true).withSeed(7);
        assertEquals(expected.toString(), t.toZetaParams().toString());
        assertEquals("softmax", t.getKernel());
        ZetaColumns c = t.toColumns();
        assertEquals(List.of("doc", "i", "qq", "kk", "vv", "o", "", "w", ""),
                List.of(c.seq(), c.pos(), c.q(), c.k(), c.v(), c.out(), c.nbrPos(), c.nbrW(), c.nnDist()));
        ZetaAttentionTransformer back = new ZetaAttentionTransformer().setParams(expected).setColumns(c);
        assertEquals(expected.toString(), back.toZetaParams().toString());
        assertEquals("w", back.getNbrWCol());
    }

    @Test
    void perDimensionRanges() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer().setRange(new double[] {-1, -2, -3}, new double[] {5});
        assertArrayEquals(new double[] {5, 5, 5}, t.getRangeHi());
        assertEquals(-2.0, t.toZetaParams().rangeLo(1));
        assertEquals(5.0, t.toZetaParams().rangeHi(2));
    }

    @Test
    void invalidValuesNameTheParameterAndTheValue() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer();
        assertEquals("k must be in 1..4096, got 0", message(() -> t.setK(0)));
        assertEquals("curves must be in 1..16, got 17", message(() -> t.setCurves(17)));
        assertEquals("window must be even and in 2..2^24, got 7", message(() -> t.setWindow(7)));
        assertEquals("chunkSize must be in 1..2^20, got 0", message(() -> t.setChunkSize(0)));
        assertEquals("bits must be in 0..63 (0 = floor(63/d)), got 64", message(() -> t.setBits(64)));
        assertEquals("gamma must be finite and > 0, got -1.0", message(() -> t.setGamma(-1)));
        assertEquals("tau must be finite and > 0, got NaN", message(() -> t.setTau(Double.NaN)));
        assertTrue(message(() -> t.setKernel("gauss")).startsWith("unknown kernel 'gauss'"));
        assertEquals("range must be finite with lo < hi, got [2.0, 1.0] in dimension 0", message(() -> t.setRange(2, 1)));
        assertEquals("qCol must be a non-empty column name, got ''", message(() -> t.setQCol("")));
        // through Spark ML's generic path (ParamMap, Pipeline params): Spark's message names both too
        String m = message(() -> t.set(t.k(), 0));
        assertTrue(m.contains("parameter k given invalid value 0"), m);
        m = message(() -> t.copy(new ParamMap().put(t.window(), 3)));
        assertTrue(m.contains("parameter window given invalid value 3"), m);
        assertEquals(ZetaParams.DEFAULT_K, t.getK()); // nothing was set
    }

    @Test
    void transformSchemaYieldsTheOutputSchema() {
        StructType in = Fixtures.floatSchema();
        StructType out = new ZetaAttentionTransformer().transformSchema(in);
        assertEquals(List.of("seq", "pos", "q", "k", "v", "out", "nbr_pos", "nbr_w", "nn_dist"), names(out));
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.apply("out").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.LongType, false), out.apply("nbr_pos").dataType());
        assertEquals(DataTypes.DoubleType, out.apply("nn_dist").dataType());

        StructType intSeq = Fixtures.schema(DataTypes.IntegerType, DataTypes.IntegerType, Fixtures.FLOATS);
        StructType minimal = new ZetaAttentionTransformer().setNbrPosCol("").setNbrWCol("").setNnDistCol("")
                .transformSchema(intSeq);
        assertEquals(List.of("seq", "pos", "q", "k", "v", "out"), names(minimal));
        assertEquals(DataTypes.LongType, minimal.apply("seq").dataType());
    }

    @Test
    void transformSchemaRejectsBadSchemas() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer();
        StructType noV = new StructType(Arrays.copyOf(Fixtures.floatSchema().fields(), 4));
        assertEquals("column 'v': not found; input columns: seq, pos, q, k", message(() -> t.transformSchema(noV)));
        StructField[] f = Fixtures.floatSchema().fields().clone();
        f[1] = DataTypes.createStructField("pos", DataTypes.StringType, true);
        assertEquals("column 'pos': type string is not supported; expected long (int is cast to long)",
                message(() -> t.transformSchema(new StructType(f))));
        assertTrue(message(() -> new ZetaAttentionTransformer().setOutputCol("nbr_w").transformSchema(Fixtures.floatSchema()))
                .startsWith("output column 'nbr_w' is named twice"));
        assertTrue(message(() -> new ZetaAttentionTransformer().setOutputCol("seq").transformSchema(Fixtures.floatSchema()))
                .startsWith("output column 'seq' is named twice"));
        assertTrue(message(() -> new ZetaAttentionTransformer().setRange(new double[] {-1, -1}, new double[] {1, 1, 1})
                .transformSchema(Fixtures.floatSchema())).startsWith("range bounds need equal"));
    }

    @Test
    void badSchemaFailsBeforeAnyJobRuns() {
        // evaluating any row of this frame fails loudly, so a ZetaInputException proves no job ran
        UDF1<String, String> tripwire = s -> {
            throw new IllegalStateException("a job ran over the input");
        };
        Dataset<Row> df = Fixtures.frame(Fixtures.goodRows())
                .withColumn("q", functions.udf(tripwire, DataTypes.StringType).apply(functions.col("seq")));
        ZetaInputException e = assertThrows(ZetaInputException.class, () -> new ZetaAttentionTransformer().transform(df));
        assertTrue(e.getMessage().startsWith("column 'q': type string is not supported"), e.getMessage());
    }

    @Test
    void transformValidatesTheData() {
        List<Row> rows = Fixtures.goodRowsWith(2, Fixtures.row("doc-a", 2L, Fixtures.f(0, 0, 1), Fixtures.f(0, 0, 1),
                Fixtures.f(5, Float.NaN)));
        ZetaInputException e = assertThrows(ZetaInputException.class,
                () -> new ZetaAttentionTransformer().transform(Fixtures.frame(rows)));
        assertEquals("column 'v': seq=doc-a pos=2: v[1] is NaN (NaN and infinite values are not allowed)", e.getMessage());
        assertThrows(ZetaInputException.class, () -> Zeta.attention(Fixtures.frame(rows)));
    }

    @Test
    void emptyInputGivesAnEmptyOutputWithTheOutputSchema() {
        Dataset<Row> empty = Fixtures.frame(new ArrayList<>());
        Dataset<Row> out = new ZetaAttentionTransformer().setNnDistCol("").transform(empty);
        assertEquals(List.of("seq", "pos", "q", "k", "v", "out", "nbr_pos", "nbr_w"), names(out.schema()));
        assertEquals(0, out.count());
        assertEquals(0, Zeta.attention(empty).count());
    }

    @Test
    void transformOutputMatchesTransformSchema() {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer().setK(2).setNbrWCol("");
        Dataset<Row> in = Fixtures.frame(Fixtures.goodRows());
        Dataset<Row> out = t.transform(in);
        StructType expected = t.transformSchema(in.schema());
        assertEquals(names(expected), names(out.schema()));
        for (StructField f : expected.fields()) {
            assertEquals(f.dataType().simpleString(), out.schema().apply(f.name()).dataType().simpleString(), f.name());
        }
        assertEquals(5, out.count());
    }

    @Test
    void transformKeepsEveryInputColumnAndAppendsTheOutputs() {
        Dataset<Row> in = Fixtures.frame(Fixtures.goodRows())
                .withColumn("label", functions.concat(functions.col("seq"), functions.lit("#"), functions.col("pos")))
                .select("label", "seq", "pos", "q", "k", "v"); // a user column first: the order must stay
        ZetaAttentionTransformer t = new ZetaAttentionTransformer().setK(2).setNbrWCol("");
        Dataset<Row> out = t.transform(in);
        assertEquals(List.of("label", "seq", "pos", "q", "k", "v", "out", "nbr_pos", "nn_dist"), names(out.schema()));
        assertEquals(names(t.transformSchema(in.schema())), names(out.schema()));
        // every row carries its own label and vectors next to the operator's output for that row
        java.util.Map<String, Row> byKey = new java.util.HashMap<>();
        for (Row r : Zeta.attention(in.drop("label"), t.toZetaParams(), t.toColumns()).collectAsList()) {
            byKey.put(r.getString(0) + "#" + r.getLong(1), r);
        }
        List<Row> rows = out.collectAsList();
        assertEquals(5, rows.size());
        java.util.Map<String, Row> inputs = new java.util.HashMap<>();
        for (Row r : in.collectAsList()) {
            inputs.put(r.getString(0), r);
        }
        for (Row r : rows) {
            String key = r.getString(1) + "#" + r.getLong(2);
            assertEquals(key, r.getString(0));
            assertEquals(inputs.get(key).getList(3), r.getList(3), key + " q");
            assertEquals(inputs.get(key).getList(5), r.getList(5), key + " v");
            Row op = byKey.get(key);
            assertEquals(op.getList(op.fieldIndex("out")), r.getList(r.fieldIndex("out")), key + " out");
            assertEquals(op.getList(op.fieldIndex("nbr_pos")), r.getList(r.fieldIndex("nbr_pos")), key + " nbr_pos");
        }

        Dataset<Row> narrow = t.copy(new ParamMap()).setKeepInputVectors(false).transform(in);
        assertEquals(List.of("label", "seq", "pos", "out", "nbr_pos", "nn_dist"), names(narrow.schema()));
        assertEquals(5, narrow.count());
        // without the vectors an output may take a vector's name
        assertEquals(List.of("label", "seq", "pos", "q", "nbr_pos", "nn_dist"), names(new ZetaAttentionTransformer()
                .setKeepInputVectors(false).setOutputCol("q").setNbrWCol("").transformSchema(in.schema())));
    }

    @Test
    void anOutputColumnThatExistsInTheInputIsAnError() {
        Dataset<Row> in = Fixtures.frame(Fixtures.goodRows()).withColumn("out", functions.lit(1));
        String m = message(() -> new ZetaAttentionTransformer().transformSchema(in.schema()));
        assertTrue(m.startsWith("output column 'out' already exists in the input"), m);
        assertTrue(message(() -> new ZetaAttentionTransformer().setNnDistCol("q").transformSchema(in.drop("out").schema()))
                .startsWith("output column 'q' already exists in the input"));
        assertEquals(List.of("seq", "pos", "q", "k", "v", "out", "attention", "nbr_pos", "nbr_w", "nn_dist"),
                names(new ZetaAttentionTransformer().setOutputCol("attention").transformSchema(in.schema())));
    }

    @Test
    void savesLoadsAndRunsInAPipeline() throws Exception {
        ZetaAttentionTransformer t = new ZetaAttentionTransformer().setK(7).setKernel("inverse").setNbrPosCol("")
                .setRange(new double[] {-2, -3, -4}, new double[] {2, 3, 4});
        String path = dir.resolve("transformer").toString();
        t.write().save(path);
        ZetaAttentionTransformer loaded = ZetaAttentionTransformer.load(path);
        assertEquals(t.uid(), loaded.uid());
        assertEquals(t.toZetaParams().toString(), loaded.toZetaParams().toString());
        assertEquals("", loaded.getNbrPosCol());

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {t});
        Dataset<Row> data = Fixtures.frame(Fixtures.goodRows());
        PipelineModel model = pipeline.fit(data);
        assertEquals(List.of("seq", "pos", "q", "k", "v", "out", "nbr_w", "nn_dist"), names(model.transformSchema(data.schema())));
        String modelPath = dir.resolve("pipeline").toString();
        model.write().overwrite().save(modelPath);
        PipelineModel back = PipelineModel.load(modelPath);
        ZetaAttentionTransformer stage = (ZetaAttentionTransformer) back.stages()[0];
        assertEquals(7, stage.getK());
        assertArrayEquals(new double[] {2, 3, 4}, stage.getRangeHi());
        Dataset<Row> bad = Fixtures.frame(Fixtures.goodRowsWith(0, Fixtures.row("doc-a", -3L, Fixtures.f(0, 0, 0),
                Fixtures.f(1, 0, 0), Fixtures.f(1, 2))));
        ZetaInputException e = assertThrows(ZetaInputException.class, () -> back.transform(bad));
        assertEquals("column 'pos': seq=doc-a pos=-3: negative position (positions must be >= 0)", e.getMessage());
    }
}
