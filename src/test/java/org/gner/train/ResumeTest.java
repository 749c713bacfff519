package org.gner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gner.model.CheckpointFiles;
import org.gner.model.ModelTokenizer;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping after a checkpoint and resuming gives bit-for-bit the weights of an uninterrupted run. */
class ResumeTest {

    @TempDir
    Path tmp;

    @Test
    void stopAndResumeEqualsUninterrupted() throws Exception {
        Path start = TinyTrainingSetup.model(tmp.resolve("start"),
                new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 32, 8, 48, 4, 1, 1, 7), true, false, 11);
        // 8 sentences in ~3 batches per epoch, 2 epochs; the interrupted run stops mid-epoch 1.
        TrainingOptions options = new TrainingOptions(2, 2e-3, 0.2, 0.01, 0.5, 1200, 256, 128, 9, 0, 2, 100, 0, 0);
        TrainerState uninterrupted = train(start, tmp.resolve("a"), options, false);

        train(start, tmp.resolve("b"), options.withMaxSteps(2), false);
        TrainerState resumed = train(start, tmp.resolve("b"), options, true);

        assertEquals(uninterrupted, resumed);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(CheckpointFiles.SINGLE_FILE)),
                Files.readAllBytes(tmp.resolve("b").resolve(CheckpointFiles.SINGLE_FILE)));
        assertEquals(Files.readString(tmp.resolve("a").resolve(Trainer.METRICS_FILE)),
                Files.readString(tmp.resolve("b").resolve(Trainer.METRICS_FILE)));
    }

    private static TrainerState train(Path start, Path out, TrainingOptions options, boolean resume) throws Exception {
        Path weights = resume ? Checkpoints.latest(out).orElseThrow() : start;
        try (ModelTokenizer tokenizer = ModelTokenizer.load(start);
                T5Model model = T5Model.loadForTraining(weights, Device.cpu())) {
            Trainer trainer = new Trainer(model, tokenizer, TinyTrainingSetup.mitMovie(8), List.of(), null, options,
                    out, start.resolve("config.json"), start, System.err);
            return trainer.run(resume ? weights : null);
        }
    }
}
