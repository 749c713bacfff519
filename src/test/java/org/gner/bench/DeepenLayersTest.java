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

/** A deepened checkpoint computes what the original computes: gated (Flan) and plain (v1) blocks. */
class DeepenLayersTest {

    @TempDir
    Path tmp;

    @Test
    void deepenedModelGivesTheSameLogits() throws Exception {
        for (Spec spec : List.of(Spec.flan(3), Spec.v1(4))) {
            Path shallow = TinyT5Checkpoints.write(tmp.resolve("shallow-" + spec.style()), spec, Format.F32);
            Path deep = tmp.resolve("deep-" + spec.style());
            int encoder = spec.layers() + 2;
            int decoder = spec.decoderLayers() + 1;
            assertEquals(3, DeepenLayers.deepen(shallow, deep, encoder, decoder));
            T5Config config = T5Config.read(deep.resolve("config.json"));
            assertEquals(encoder, config.numLayers());
            assertEquals(decoder, config.numDecoderLayers());
            double worst = SameLogits.maxDifference(shallow, deep);
            assertTrue(worst < 1e-4, spec.style() + ": max abs logit difference " + worst);
        }
    }
}
