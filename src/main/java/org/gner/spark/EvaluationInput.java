package org.gner.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gner.data.ConllReader;
import org.gner.data.ConllReader.PromptLabels;
import org.gner.data.DatasetConfig;
import org.gner.data.DatasetConfigs;
import org.gner.data.NerSentence;
import org.gner.prompt.GnerExample;
import org.gner.prompt.GnerExamples;
import org.gner.prompt.LabelOrder;

/**
 * {@code evaluate}'s input: GNER datasets read by Spark and sampled as the dataset configs say
 * ({@link DatasetConfigs#sample}), one {@link EvaluationSentence} per sentence with GNER's prompt and
 * its global position. The driver holds only the label lists and a sentence count per dataset.
 *
 * @param size the number of rows
 */
record EvaluationInput(JavaRDD<EvaluationSentence> rows, long size) {

    /** Reads each dataset's {@code <dataDir>/<dataset>/<split>.txt}; a malformed one fails the read, as ConllReader does. */
    static EvaluationInput read(SparkSession spark, Path dataDir, String datasets, String split, LabelOrder order) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return read(jsc, dataDir, datasets, split, order, jsc.defaultMinPartitions());
    }

    /** @param minPartitions at least this many partitions per split file */
    static EvaluationInput read(JavaSparkContext jsc, Path dataDir, String datasets, String split, LabelOrder order,
            int minPartitions) {
        GnerExamples.requireLabelFileOrder(order);
        JavaRDD<EvaluationSentence> rows = jsc.emptyRDD();
        long size = 0;
        for (DatasetConfig config : DatasetConfigs.parse(datasets)) {
            String name = config.name();
            PromptLabels labels = ConllReader.promptLabels(dataDir, name);
            ConllSplitFile file = ConllSplitFile.scan(jsc, dataDir.resolve(name).resolve(split + ".txt"), labels,
                    minPartitions);
            long kept = DatasetConfigs.kept(config, file.sentences());
            long copies = DatasetConfigs.copies(config, kept);
            long first = size;
            rows = rows.union(file.first(kept).flatMap(
                    s -> examples(s._1(), s._2(), first, kept, copies, name, split, labels.labels(), order)));
            size += kept * copies;
        }
        return new EvaluationInput(rows, size);
    }

    /** The sampled copies of sentence {@code index}: copy {@code c} is sampled sentence {@code c * kept + index}. */
    private static Iterator<EvaluationSentence> examples(long index, Row sentence, long first, long kept, long copies,
            String dataset, String split, List<String> labels, LabelOrder order) {
        List<String> words = Arrays.asList((String[]) sentence.get(0));
        List<String> tags = Arrays.asList((String[]) sentence.get(1));
        EvaluationSentence[] out = new EvaluationSentence[(int) copies];
        for (int c = 0; c < copies; c++) {
            long position = c * kept + index;
            NerSentence s = new NerSentence(Long.toString(position), words, tags);
            GnerExample e = GnerExamples.forSentence(dataset, split, labels, s, order, false, false);
            out[c] = EvaluationSentence.of(first + position, e);
        }
        return Arrays.asList(out).iterator();
    }
}
