package org.gner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gner.model.t5.T5Config;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.model.t5.TinyT5Checkpoints.Format;
import org.gner.model.t5.TinyT5Checkpoints.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A widened checkpoint computes what the original computes: gated (Flan) and plain (v1) feed-forwards. */
class WidenFeedForwardTest {

    @TempDir
    Path tmp;

    @Test
    void widenedModelGivesTheSameLogits() throws Exception {
        for (Spec spec : List.of(Spec.flan(3), Spec.v1(4))) {
            Path narrow = TinyT5Checkpoints.write(tmp.resolve("narrow-" + spec.style()), spec, Format.F32);
            Path wide = tmp.resolve("wide-" + spec.style());
            int widened = WidenFeedForward.widen(narrow, wide, 4 * spec.dFf(), 7);
            int layers = spec.layers() + spec.decoderLayers();
            assertEquals(layers * (spec.style() == TinyT5Checkpoints.Style.FLAN ? 3 : 2), widened);
            assertEquals(4 * spec.dFf(), T5Config.read(wide.resolve("config.json")).dFf());
            double worst = SameLogits.maxDifference(narrow, wide);
            assertTrue(worst < 1e-4, spec.style() + ": max abs logit difference " + worst);
        }
    }
}
