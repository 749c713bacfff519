package org.gner.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One line of a GNER JSONL file (dataset records and prediction records alike):
 * {@code {"id", "dataset", "split", "label_list", "instance": {"id", "words", "labels",
 * "instruction_inputs", "prompt_labels"}, "input_ids", "prediction"}}.
 *
 * <p>{@code split}, {@code instructionInputs}, {@code promptLabels}, {@code prediction} and
 * {@code inputIds} are null when absent. {@code inputIds} is copied in and out, and
 * {@link #equals}/{@link #hashCode} compare it by content.
 */
public record GnerRecord(String dataset, String split, List<String> labelList, NerSentence instance,
                         String instructionInputs, String promptLabels, String prediction, int[] inputIds) {
    public GnerRecord {
        Objects.requireNonNull(dataset, "dataset");
        labelList = List.copyOf(Objects.requireNonNull(labelList, "labelList"));
        Objects.requireNonNull(instance, "instance");
        inputIds = inputIds == null ? null : inputIds.clone();
    }

    /** The sentence id ({@code instance.id}). */
    public String id() {
        return instance.id();
    }

    @Override
    public int[] inputIds() {
        return inputIds == null ? null : inputIds.clone();
    }

    /** The same record with a model prediction. */
    public GnerRecord withPrediction(String newPrediction) {
        return new GnerRecord(dataset, split, labelList, instance, instructionInputs, promptLabels,
                newPrediction, inputIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GnerRecord r
                && dataset.equals(r.dataset)
                && Objects.equals(split, r.split)
                && labelList.equals(r.labelList)
                && instance.equals(r.instance)
                && Objects.equals(instructionInputs, r.instructionInputs)
                && Objects.equals(promptLabels, r.promptLabels)
                && Objects.equals(prediction, r.prediction)
                && Arrays.equals(inputIds, r.inputIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataset, split, labelList, instance, instructionInputs, promptLabels, prediction)
                * 31 + Arrays.hashCode(inputIds);
    }

    @Override
    public String toString() {
        return "GnerRecord[dataset=" + dataset + ", split=" + split + ", id=" + instance.id()
                + ", words=" + instance.words().size() + ", labelList=" + labelList
                + (prediction == null ? "" : ", prediction=" + prediction)
                + (inputIds == null ? "" : ", inputIds=" + inputIds.length + " ids") + "]";
    }
}
