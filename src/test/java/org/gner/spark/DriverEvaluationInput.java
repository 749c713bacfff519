package org.gner.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gner.data.ConllReader;
import org.gner.data.DatasetConfig;
import org.gner.data.DatasetConfigs;
import org.gner.data.LabeledDataset;
import org.gner.prompt.GnerExample;
import org.gner.prompt.GnerExamples;
import org.gner.prompt.LabelOrder;

/** The reference for {@link EvaluationInput}: evaluate's former input, every dataset read on the driver. */
final class DriverEvaluationInput {
    private DriverEvaluationInput() {}

    static List<EvaluationSentence> read(Path dataDir, String datasets, String split, LabelOrder order) {
        List<EvaluationSentence> rows = new ArrayList<>();
        for (DatasetConfig config : DatasetConfigs.parse(datasets)) {
            LabeledDataset dataset = DatasetConfigs.sample(config, ConllReader.readForPrompts(dataDir, config.name(), split));
            for (GnerExample e : GnerExamples.from(dataset, order, false)) {
                rows.add(EvaluationSentence.of(rows.size(), e));
            }
        }
        return rows;
    }
}
