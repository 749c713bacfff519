package org.gner.testing;

import java.util.List;

/** The fields of a GNER prediction record that scoring reads. */
public record PredictionRecord(
        String dataset, List<String> labelList, List<String> words, List<String> labels, String prediction) {}
