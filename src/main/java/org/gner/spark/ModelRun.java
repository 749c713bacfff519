package org.gner.spark;

import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.gner.generate.DecodingOptions;
import org.gner.generate.InputLimit;
import org.gner.model.CheckpointInfo;

/**
 * The driver's preparation every model job shares: the checkpoint the model names (inspected once),
 * the decoding with the model folder's defaults resolved, the input limit, what each executor task needs
 * ({@link GenerationSpec}) and the accumulators the tasks report to.
 *
 * @param done  sentences decoded (progress)
 * @param loads {@code executorId<TAB>loads} per task (model loads per executor)
 */
record ModelRun(CheckpointInfo checkpoint, DecodingOptions decoding, int maxInput, GenerationSpec spec,
        LongAccumulator done, CollectionAccumulator<String> loads) {

    static ModelRun prepare(SparkSession spark, String model, String device, String dtype, DecodingOptions given) {
        CheckpointInfo checkpoint = ModelReference.inspect(model);
        DecodingOptions decoding = given.withGuidance(given.guidance().resolvedFor(checkpoint.dir()));
        int maxInput = InputLimit.effectiveMax(checkpoint.encoderDecoder(), checkpoint.maxPositions(),
                decoding.maxInputTokens(), decoding.maxNewTokens());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return new ModelRun(checkpoint, decoding, maxInput, new GenerationSpec(model, checkpoint.digest(), device, dtype,
                decoding, FaultInjection.partitionToFail(spark)), jsc.sc().longAccumulator("gner sentences done"),
                jsc.sc().collectionAccumulator("gner model loads"));
    }

    /** run.json with the model and decoding filled in. */
    RunReport report(String job) {
        return new RunReport(job).model(spec.model(), checkpoint, spec.device(), spec.dtype())
                .decoding(decoding, maxInput);
    }

    Map<String, Integer> modelLoads() {
        return RunReport.modelLoads(loads.value());
    }
}
