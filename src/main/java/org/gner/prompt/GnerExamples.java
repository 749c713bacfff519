package org.gner.prompt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gner.data.GnerRecord;
import org.gner.data.LabeledDataset;
import org.gner.data.NerSentence;

/** Turns datasets or GNER records into {@link GnerExample}s. */
public final class GnerExamples {
    private GnerExamples() {}

    /** Examples for every sentence, without the optional {@code Dataset:} line (GNER's default). */
    public static List<GnerExample> from(LabeledDataset dataset, LabelOrder order, boolean llamaFormat) {
        return from(dataset, order, llamaFormat, false);
    }

    /**
     * Examples for every sentence of {@code dataset}.
     *
     * @param order          SEEDED or FILE (RECORD needs records: {@link #fromRecords})
     * @param llamaFormat    wrap the prompt as {@code [INST] ... [/INST]}
     * @param addDatasetName add GNER's {@code Dataset: <name>.} line
     */
    public static List<GnerExample> from(LabeledDataset dataset, LabelOrder order, boolean llamaFormat,
                                         boolean addDatasetName) {
        requireLabelFileOrder(order);
        List<GnerExample> out = new ArrayList<>(dataset.size());
        for (NerSentence s : dataset.sentences()) {
            out.add(forSentence(dataset.name(), dataset.split(), dataset.labels(), s, order, llamaFormat,
                    addDatasetName));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The example {@link #from} makes for sentence {@code s} of a dataset whose {@code label.txt} lists
     * {@code labels}.
     */
    public static GnerExample forSentence(String dataset, String split, List<String> labels, NerSentence s,
                                          LabelOrder order, boolean llamaFormat, boolean addDatasetName) {
        requireLabelFileOrder(order);
        List<String> labelList = order.order(dataset, s.id(), labels, null);
        return example(dataset, split, s, labelList, llamaFormat, addDatasetName);
    }

    /** Fails unless {@code order} can order a CoNLL dataset's labels (SEEDED or FILE). */
    public static void requireLabelFileOrder(LabelOrder order) {
        if (order.mode() == LabelOrderMode.RECORD) {
            throw new IllegalArgumentException("label order 'record' needs GNER records, not a CoNLL dataset");
        }
    }

    /**
     * Examples from GNER JSONL records. RECORD keeps each record's {@code label_list}; SEEDED
     * shuffles it as {@link LabelOrder#shuffle} does; FILE is refused (records carry no label.txt).
     * The prompt is rebuilt, never taken from {@code instruction_inputs}.
     */
    public static List<GnerExample> fromRecords(List<GnerRecord> records, LabelOrder order, boolean llamaFormat) {
        if (order.mode() == LabelOrderMode.FILE) {
            throw new IllegalArgumentException("label order 'file' needs label.txt; use 'record' or 'seeded' for records");
        }
        List<GnerExample> out = new ArrayList<>(records.size());
        for (GnerRecord r : records) {
            List<String> labelList = order.order(r.dataset(), r.id(), r.labelList(), r.labelList());
            out.add(example(r.dataset(), r.split(), r.instance(), labelList, llamaFormat, false));
        }
        return Collections.unmodifiableList(out);
    }

    /** One example for one sentence with a given label order. */
    public static GnerExample example(String dataset, String split, NerSentence s, List<String> labelList,
                                      boolean llamaFormat, boolean addDatasetName) {
        String instruction = PromptBuilder.instruction(labelList, s.words(), addDatasetName ? dataset : null);
        String prompt = llamaFormat ? PromptBuilder.llama(instruction) : instruction;
        String target = PromptBuilder.promptLabels(s.words(), s.labels());
        return new GnerExample(dataset, split, s.id(), s.words(), s.labels(), labelList, prompt, target);
    }
}
