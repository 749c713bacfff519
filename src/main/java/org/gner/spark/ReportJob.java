package org.gner.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.gner.report.DatasetSentences;
import org.gner.report.EvaluatedRun;
import org.gner.report.ExampleSelection;
import org.gner.report.ExampleSentence;
import org.gner.report.ReportAnalysis;
import org.gner.report.ReportContent;
import org.gner.report.ReportHtml;
import org.gner.report.RunAlignment;
import org.gner.report.RunComparison;

/**
 * {@code report}: reads run folders ({@code evaluate} or {@code score} output), compares every run
 * with the first by paired bootstrap, and writes {@code report.html} with its charts beside it.
 * Spark only reads the Parquet outputs (locally); the analysis and the page are plain Java.
 */
public final class ReportJob {
    static final int EXAMPLES_PER_DATASET = 3;

    public record Options(List<Path> runs, List<String> names, String output, int resamples, long seed,
            boolean overwrite) {}

    /** @param report the written {@code report.html}, as a qualified path */
    public record Result(String report, ReportContent content, double seconds) {}

    private ReportJob() {}

    public static Result run(SparkSession spark, Options o) {
        long started = System.nanoTime();
        if (o.runs().isEmpty()) {
            throw new IllegalArgumentException("give at least one --run");
        }
        if (o.names().size() > o.runs().size()) {
            throw new IllegalArgumentException(o.names().size() + " --name(s) for " + o.runs().size() + " --run(s)");
        }
        if (o.resamples() < 1) {
            throw new IllegalArgumentException("--bootstrap must be at least 1, got " + o.resamples());
        }
        List<EvaluatedRun> runs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < o.runs().size(); i++) {
            EvaluatedRun run = RunFolderReader.read(spark, o.runs().get(i), i < o.names().size() ? o.names().get(i) : null);
            if (!names.add(run.name())) {
                throw new IllegalArgumentException("two runs are named '" + run.name() + "' (" + o.runs().get(i)
                        + "); tell them apart with --name");
            }
            runs.add(run);
        }
        refuseOutputOverARun(o);
        OutputDir out = OutputDir.prepare(spark, o.output(), o.overwrite());
        List<RunAlignment> alignments = ReportAnalysis.alignments(runs);
        List<RunComparison> comparisons = ReportAnalysis.compare(runs, alignments, o.resamples(), o.seed());
        List<String> datasets = ReportAnalysis.datasetOrder(runs);
        List<ExampleSentence> examples = examples(spark, runs, alignments);
        ReportContent content = new ReportContent(runs, datasets, comparisons, examples, o.resamples(), o.seed());
        ReportHtml.Rendered rendered = ReportHtml.render(content);
        out.writeText("report.html", rendered.html());
        rendered.charts().forEach(out::writeText);
        return new Result(out.child("report.html"), content, (System.nanoTime() - started) / 1e9);
    }

    /** --overwrite deletes the output folder first: it must not be, or hold, one of the runs read. */
    private static void refuseOutputOverARun(Options o) {
        Path output = Path.of(o.output()).toAbsolutePath().normalize();
        for (Path run : o.runs()) {
            if (run.toAbsolutePath().normalize().startsWith(output)) {
                throw new IllegalArgumentException("--output " + o.output() + " is or holds the run folder " + run);
            }
        }
    }

    /**
     * Picks the examples from the baseline and shows every run paired with it on the same sentences;
     * an unpaired run gets its own examples.
     */
    private static List<ExampleSentence> examples(SparkSession spark, List<EvaluatedRun> runs,
            List<RunAlignment> alignments) {
        List<ExampleSentence> result = new ArrayList<>();
        List<Integer> groupRuns = new ArrayList<>(List.of(0));
        for (int k = 1; k < runs.size(); k++) {
            if (alignments.get(k - 1).paired()) {
                groupRuns.add(k);
            }
        }
        result.addAll(examplesFor(spark, runs, 0, groupRuns, alignments));
        for (int k = 1; k < runs.size(); k++) {
            if (!groupRuns.contains(k)) {
                result.addAll(examplesFor(spark, runs, k, List.of(k), alignments));
            }
        }
        return result;
    }

    private static List<ExampleSentence> examplesFor(SparkSession spark, List<EvaluatedRun> runs, int chooser,
            List<Integer> shown, List<RunAlignment> alignments) {
        EvaluatedRun source = runs.get(chooser);
        Map<String, int[]> chosen = new LinkedHashMap<>();
        for (var d : source.datasets()) {
            DatasetSentences s = source.sentences().get(d.dataset());
            chosen.put(d.dataset(), ExampleSelection.pick(s.counts(), EXAMPLES_PER_DATASET));
        }
        List<Map<String, Map<Long, RunFolderReader.SentenceText>>> texts = new ArrayList<>();
        List<Map<String, List<Long>>> positions = new ArrayList<>();
        for (int k : shown) {
            Map<String, List<Long>> wanted = new LinkedHashMap<>();
            chosen.forEach((dataset, indices) -> wanted.put(dataset, Arrays.stream(indices)
                    .mapToObj(i -> runs.get(k).sentences().get(dataset).positions()[index(alignments, chooser, k,
                            dataset, i)])
                    .toList()));
            positions.add(wanted);
            texts.add(RunFolderReader.fetch(spark, runs.get(k), wanted));
        }
        List<ExampleSentence> result = new ArrayList<>();
        for (Map.Entry<String, int[]> e : chosen.entrySet()) {
            String dataset = e.getKey();
            for (int j = 0; j < e.getValue().length; j++) {
                List<List<String>> predicted = new ArrayList<>();
                List<String> kinds = new ArrayList<>();
                RunFolderReader.SentenceText first = null;
                for (int r = 0; r < runs.size(); r++) {
                    int slot = shown.indexOf(r);
                    RunFolderReader.SentenceText t = slot < 0 ? null
                            : texts.get(slot).getOrDefault(dataset, Map.of()).get(positions.get(slot).get(dataset).get(j));
                    predicted.add(t == null ? null : t.predicted());
                    kinds.add(t == null ? null : t.matchKind());
                    if (first == null && t != null) {
                        first = t;
                    }
                }
                if (first != null) {
                    String id = source.sentences().get(dataset).keys()[e.getValue()[j]].split("\u001f", 2)[0];
                    result.add(new ExampleSentence(dataset, id, first.words(), first.gold(), predicted, kinds));
                }
            }
        }
        return result;
    }

    /** The index in run {@code k} of the chooser's sentence {@code i}. */
    private static int index(List<RunAlignment> alignments, int chooser, int k, String dataset, int i) {
        if (k == chooser) {
            return i;
        }
        return alignments.get(k - 1).order().get(dataset)[i];
    }
}
