package org.gner.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.gner.data.TextSegmenter;
import org.gner.spark.AnnotateJob;
import org.gner.spark.IncrementalAnnotateJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = {"Label a corpus with GNER as a Spark job: documents are split into sentences and words,"
                + " each sentence is labelled with --labels, entities get character offsets into the document.",
                "Writes annotations/ (Parquet, one row per sentence, every input row present) and run.json under"
                        + " --output."})
final class AnnotateCommand extends ModelJobCommand implements Callable<Integer> {

    @Option(names = "--labels", required = true, paramLabel = "<type,...>",
            description = "Entity types to find, comma-separated, in prompt order, e.g. \"person,organization\".")
    String labels;

    @Option(names = "--input", required = true, paramLabel = "<path>",
            description = "Text file(s) (one document per line), JSONL ({\"id\", \"text\"}) or Parquet; a file or"
                    + " a folder, on any Hadoop file system.")
    String input;

    @Option(names = "--input-format", defaultValue = "auto", paramLabel = "auto|text|jsonl|parquet",
            description = "auto: .parquet (or a folder of them) is Parquet, .jsonl/.json is JSONL, else text.")
    String inputFormat;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "<name>",
            description = "Text field of JSONL or column of Parquet (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "<name>",
            description = "Id field or column (default: ${DEFAULT-VALUE}); without it, the line or row number.")
    String idColumn;

    @Option(names = "--max-words", defaultValue = "" + TextSegmenter.DEFAULT_MAX_WORDS, paramLabel = "<n>",
            description = "Longer sentences are cut into pieces of this many words (default: ${DEFAULT-VALUE}).")
    int maxWords;

    @Option(names = "--format", paramLabel = "parquet|delta",
            description = "How annotations are written: parquet (annotations/ under --output; the default) or delta"
                    + " (a Delta Lake table; with --incremental, --output is the table itself and delta is the only"
                    + " choice).")
    String format;

    @Option(names = "--incremental", description = "Annotate only the files that arrived in the --input folder since"
            + " the last run, into the Delta table --output, then stop (Structured Streaming, Trigger.AvailableNow;"
            + " its checkpoint is <table>/_gner_checkpoint). Re-submitted documents (same id, new text) replace"
            + " their rows; same id and text are skipped.")
    boolean incremental;

    @Option(names = "--max-files-per-trigger", defaultValue = "0", paramLabel = "<n>",
            description = "With --incremental: files per micro-batch, each one Delta commit (0: all new files in one"
                    + " batch).")
    int maxFilesPerTrigger;

    @Option(names = "--min-confidence", defaultValue = "0", paramLabel = "<t>",
            description = "Entities whose confidence (the geometric mean of their words' label probabilities, at the"
                    + " model's gner_label_temperature) is below t go to the low_confidence_entities column instead of"
                    + " entities: nothing is dropped. Entities without a confidence (free decoding's words that GNER's"
                    + " matching filled in; beam search) stay in entities (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--retry-errors", description = "With --incremental: also re-annotate documents whose rows carry"
            + " an error.")
    boolean retryErrors;

    @Override
    public Integer call() {
        decoding.warnIfAgainst(model.model);
        if (incremental && format != null && !format.equalsIgnoreCase("delta")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--incremental writes a Delta table: --format must be delta, not " + format);
        }
        if (!incremental && (maxFilesPerTrigger != 0 || retryErrors)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--max-files-per-trigger and --retry-errors need --incremental");
        }
        AnnotateJob.Options options = new AnnotateJob.Options(model.model, AnnotateJob.parseLabels(labels), input,
                inputFormat, idColumn, textColumn, job.output, job.overwrite, decoding.toOptions(Integer.MAX_VALUE),
                model.device, model.dtype, maxWords,
                format == null || incremental ? (incremental ? "delta" : "parquet") : format.toLowerCase(Locale.ROOT),
                minConfidence);
        if (incremental) {
            IncrementalAnnotateJob.Result r = job.inSession("gner annotate --incremental", spark ->
                    IncrementalAnnotateJob.run(spark, new IncrementalAnnotateJob.Options(options, maxFilesPerTrigger,
                            retryErrors)));
            System.out.printf(Locale.ROOT, "run %s: %d files, %d documents: %d new, %d updated, %d skipped, %d"
                    + " superseded, %d failed; %d sentences, %d entities written; table %s version %d -> %d (%.1f s)%n",
                    r.runId(), r.files(), r.documents(), r.added(), r.updated(), r.skipped(), r.superseded(),
                    r.failed(), r.sentences(), r.entities(), job.output, r.versionBefore(), r.versionAfter(),
                    r.wallSeconds());
            return 0;
        }
        AnnotateJob.Result r = job.inSession("gner annotate", spark -> AnnotateJob.run(spark, options));
        System.out.printf(Locale.ROOT, "%d rows, %d sentences, %d entities, %d failed; model loads per executor:"
                + " %s; annotations (%s) in %s/annotations%n", r.rows(), r.sentences(), r.entities(), r.errors(),
                r.modelLoads(), options.format(), job.output);
        return 0;
    }
}
