package org.gner.spark.ml;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gner.annotate.AnnotatorOptions;
import org.gner.annotate.EntityLabels;
import org.gner.generate.DecodingOptions;
import org.gner.generate.Guidance;
import org.gner.model.CheckpointInfo;
import org.gner.model.ShippedModel;
import org.gner.spark.GenerationSpec;
import org.gner.spark.ModelReference;

/**
 * GNER as a Spark ML {@link Transformer}: annotates the text column of any DataFrame, batch or
 * streaming, adding {@code outputCol} = {@code array<struct<text, label, start, end, confidence>>}
 * (code-point offsets into the text, {@code end} exclusive) and {@code errorCol}. Every input column
 * and row is kept, in order within a partition. A null or empty text gives an empty array; a row that
 * cannot be annotated (no labels, a failed sentence) gives null entities and its reason in
 * {@code errorCol}. Executors load the model once per JVM and check it against the checkpoint digest
 * the driver saw; a saved stage keeps the model by reference (path or hub id) and that digest.
 */
public final class GnerAnnotator extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** The element type of {@code outputCol}. */
    public static final StructType ENTITY = createStructType(List.of(
            createStructField("text", StringType, false),
            createStructField("label", StringType, false),
            createStructField("start", IntegerType, false),
            createStructField("end", IntegerType, false),
            createStructField("confidence", DoubleType, true)));

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final StringArrayParam labels;
    private final Param<String> labelsCol;
    private final Param<String> model;
    private final Param<String> modelDigest;
    private final Param<String> decoding;
    private final Param<String> draft;
    private final IntParam numBeams;
    private final IntParam maxNewTokens;
    private final IntParam batchTokens;
    private final IntParam maxWords;
    private final Param<String> device;
    private final Param<String> dtype;
    private final DoubleParam minConfidence;
    private final IntParam windowSentences;

    public GnerAnnotator() {
        this(Identifiable$.MODULE$.randomUID("gnerAnnotator"));
    }

    public GnerAnnotator(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "text column to annotate (string)");
        outputCol = new Param<>(this, "outputCol", "column added: array<struct<text, label, start, end,"
                + " confidence>>");
        errorCol = new Param<>(this, "errorCol", "column added: why a row could not be annotated (null when it"
                + " was)");
        labels = new StringArrayParam(this, "labels", "entity types for every row (or labelsCol)");
        labelsCol = new Param<>(this, "labelsCol", "array<string> column: entity types per row (or labels)");
        model = new Param<>(this, "model", "model folder or hub id org/name[@rev], seen by every executor");
        modelDigest = new Param<>(this, "modelDigest", "checkpoint digest the model must have (empty: any; set"
                + " when the stage is saved)");
        decoding = new Param<>(this, "decoding", "free, constrained, or empty for the model folder's default");
        draft = new Param<>(this, "draft", "input (lossless speculative decoding) or none");
        numBeams = new IntParam(this, "numBeams", "1 for greedy search, more for beam search");
        maxNewTokens = new IntParam(this, "maxNewTokens", "most tokens generated per sentence");
        batchTokens = new IntParam(this, "batchTokens", "budget of one batch in padded prompt tokens");
        maxWords = new IntParam(this, "maxWords", "longest sentence given to the model, in words");
        device = new Param<>(this, "device", "cpu, gpu or gpu:N");
        dtype = new Param<>(this, "dtype", "fp32 or fp16");
        minConfidence = new DoubleParam(this, "minConfidence", "entities below this confidence are left out"
                + " (0: none)");
        windowSentences = new IntParam(this, "windowSentences", "sentences decoded together per task window");
        AnnotatorOptions defaults = AnnotatorOptions.defaults();
        setDefault(inputCol, "text");
        setDefault(outputCol, "entities");
        setDefault(errorCol, "gner_error");
        setDefault(model, ShippedModel.path());
        setDefault(modelDigest, "");
        setDefault(decoding, "");
        setDefault(draft, "input");
        setDefault(numBeams, 1);
        setDefault(maxNewTokens, defaults.decoding().maxNewTokens());
        setDefault(batchTokens, defaults.decoding().batchTokens());
        setDefault(maxWords, defaults.maxWords());
        setDefault(device, "cpu");
        setDefault(dtype, "fp32");
        setDefault(minConfidence, 0.0);
        setDefault(windowSentences, defaults.windowSentences());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public StringArrayParam labels() {
        return labels;
    }

    public Param<String> labelsCol() {
        return labelsCol;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> modelDigest() {
        return modelDigest;
    }

    public Param<String> decoding() {
        return decoding;
    }

    public Param<String> draft() {
        return draft;
    }

    public IntParam numBeams() {
        return numBeams;
    }

    public IntParam maxNewTokens() {
        return maxNewTokens;
    }

    public IntParam batchTokens() {
        return batchTokens;
    }

    public IntParam maxWords() {
        return maxWords;
    }

    public Param<String> device() {
        return device;
    }

    public Param<String> dtype() {
        return dtype;
    }

    public DoubleParam minConfidence() {
        return minConfidence;
    }

    public IntParam windowSentences() {
        return windowSentences;
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public GnerAnnotator setInputCol(String value) {
        return (GnerAnnotator) set(inputCol, value);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    public GnerAnnotator setOutputCol(String value) {
        return (GnerAnnotator) set(outputCol, value);
    }

    public String getErrorCol() {
        return $(errorCol);
    }

    public GnerAnnotator setErrorCol(String value) {
        return (GnerAnnotator) set(errorCol, value);
    }

    public String[] getLabels() {
        return $(labels);
    }

    /** Entity types for every row, e.g. {@code "person", "location"}; cleared by {@link #setLabelsCol}. */
    public GnerAnnotator setLabels(String... value) {
        clear(labelsCol);
        return (GnerAnnotator) set(labels, EntityLabels.of(Arrays.asList(value)).toArray(String[]::new));
    }

    public String getLabelsCol() {
        return $(labelsCol);
    }

    /** An array&lt;string&gt; column with each row's entity types; clears {@link #setLabels}. */
    public GnerAnnotator setLabelsCol(String value) {
        clear(labels);
        return (GnerAnnotator) set(labelsCol, value);
    }

    public String getModel() {
        return $(model);
    }

    public GnerAnnotator setModel(String value) {
        return (GnerAnnotator) set(model, value);
    }

    public String getModelDigest() {
        return $(modelDigest);
    }

    public GnerAnnotator setModelDigest(String value) {
        return (GnerAnnotator) set(modelDigest, value);
    }

    public String getDecoding() {
        return $(decoding);
    }

    public GnerAnnotator setDecoding(String value) {
        if (!value.isEmpty()) {
            Guidance.Decoding.parse(value);
        }
        return (GnerAnnotator) set(decoding, value);
    }

    public String getDraft() {
        return $(draft);
    }

    public GnerAnnotator setDraft(String value) {
        Guidance.Draft.parse(value);
        return (GnerAnnotator) set(draft, value);
    }

    public int getNumBeams() {
        return (Integer) $(numBeams);
    }

    public GnerAnnotator setNumBeams(int value) {
        return (GnerAnnotator) set(numBeams, value);
    }

    public int getMaxNewTokens() {
        return (Integer) $(maxNewTokens);
    }

    public GnerAnnotator setMaxNewTokens(int value) {
        return (GnerAnnotator) set(maxNewTokens, value);
    }

    public int getBatchTokens() {
        return (Integer) $(batchTokens);
    }

    public GnerAnnotator setBatchTokens(int value) {
        return (GnerAnnotator) set(batchTokens, value);
    }

    public int getMaxWords() {
        return (Integer) $(maxWords);
    }

    public GnerAnnotator setMaxWords(int value) {
        return (GnerAnnotator) set(maxWords, value);
    }

    public String getDevice() {
        return $(device);
    }

    public GnerAnnotator setDevice(String value) {
        return (GnerAnnotator) set(device, value);
    }

    public String getDtype() {
        return $(dtype);
    }

    public GnerAnnotator setDtype(String value) {
        return (GnerAnnotator) set(dtype, value);
    }

    public double getMinConfidence() {
        return (Double) $(minConfidence);
    }

    public GnerAnnotator setMinConfidence(double value) {
        return (GnerAnnotator) set(minConfidence, value);
    }

    public int getWindowSentences() {
        return (Integer) $(windowSentences);
    }

    public GnerAnnotator setWindowSentences(int value) {
        return (GnerAnnotator) set(windowSentences, value);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = getInputCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("GnerAnnotator: inputCol '" + in + "' is not a column of "
                    + schema.simpleString());
        }
        if (!schema.apply(in).dataType().equals(StringType)) {
            throw new IllegalArgumentException("GnerAnnotator: inputCol '" + in + "' must be a string, not "
                    + schema.apply(in).dataType().simpleString());
        }
        for (String out : List.of(getOutputCol(), getErrorCol())) {
            if (Arrays.asList(schema.fieldNames()).contains(out)) {
                throw new IllegalArgumentException("GnerAnnotator: output column '" + out + "' already exists");
            }
        }
        if (getOutputCol().equals(getErrorCol())) {
            throw new IllegalArgumentException("GnerAnnotator: outputCol and errorCol are both '" + getOutputCol()
                    + "'");
        }
        if (isSet(labels) == isSet(labelsCol)) {
            throw new IllegalArgumentException("GnerAnnotator: set exactly one of labels and labelsCol");
        }
        if (isSet(labelsCol)) {
            String col = getLabelsCol();
            if (!Arrays.asList(schema.fieldNames()).contains(col)) {
                throw new IllegalArgumentException("GnerAnnotator: labelsCol '" + col + "' is not a column of "
                        + schema.simpleString());
            }
            if (!(schema.apply(col).dataType() instanceof ArrayType a && a.elementType().equals(StringType))) {
                throw new IllegalArgumentException("GnerAnnotator: labelsCol '" + col + "' must be array<string>,"
                        + " not " + schema.apply(col).dataType().simpleString());
            }
        }
        StructField[] fields = Arrays.copyOf(schema.fields(), schema.fields().length + 2);
        fields[fields.length - 2] = createStructField(getOutputCol(), createArrayType(ENTITY, false), true);
        fields[fields.length - 1] = createStructField(getErrorCol(), StringType, true);
        return new StructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in, true);
        CheckpointInfo checkpoint = ModelReference.inspect(getModel());
        String pinned = getModelDigest();
        if (!pinned.isEmpty() && !pinned.equals(checkpoint.digest())) {
            throw new IllegalStateException("GnerAnnotator: model " + getModel() + " (" + checkpoint.dir()
                    + ") has checkpoint digest " + checkpoint.digest() + ", but this stage was saved with "
                    + pinned + ": point model at the checkpoint it was saved with, or clear modelDigest");
        }
        GenerationSpec spec = new GenerationSpec(getModel(), checkpoint.digest(), getDevice(), getDtype(),
                decodingOptions(), -1);
        AnnotatorPartitions partitions = new AnnotatorPartitions(spec,
                isSet(labels) ? List.of(getLabels()) : null,
                new AnnotatorOptions(spec.decoding(), getMaxWords(), getMinConfidence(), getWindowSentences()),
                in.fieldIndex(getInputCol()), isSet(labelsCol) ? in.fieldIndex(getLabelsCol()) : -1);
        return dataset.toDF().mapPartitions(partitions, Encoders.row(out));
    }

    private DecodingOptions decodingOptions() {
        String mode = getDecoding();
        Guidance guidance = new Guidance(mode.isEmpty() ? null : Guidance.Decoding.parse(mode),
                Guidance.Draft.parse(getDraft()), 0, true, Double.NaN);
        return new DecodingOptions(getMaxNewTokens(), getNumBeams(), getBatchTokens(), Integer.MAX_VALUE, 0,
                guidance);
    }

    @Override
    public GnerAnnotator copy(ParamMap extra) {
        return (GnerAnnotator) defaultCopy(extra);
    }

    /** Saves the params with {@code modelDigest} pinned to the model's current checkpoint (unless already set). */
    @Override
    public MLWriter write() {
        GnerAnnotator saved = copy(ParamMap.empty());
        if (saved.getModelDigest().isEmpty()) {
            saved.setModelDigest(ModelReference.inspect(getModel()).digest());
        }
        return new DefaultParamsWriter(saved);
    }

    public static MLReader<GnerAnnotator> read() {
        return new DefaultParamsReader<>();
    }

    public static GnerAnnotator load(String path) {
        return read().load(path);
    }
}
