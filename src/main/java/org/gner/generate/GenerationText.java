package org.gner.generate;

import org.gner.model.LoadedModel;


/** Generated ids to GNER's prediction text, as GNER's {@code run.py} decodes them. */
public final class GenerationText {
    private GenerationText() {}

    /**
     * T5: the generated ids decoded without special tokens. LLaMA: prompt and generated ids decoded
     * together, then the text after {@code [/INST]} ({@link LlamaOutputs}).
     */
    public static String decode(LoadedModel model, long[] promptIds, long[] generatedIds) {
        if (model.spec().encoderDecoder()) {
            return model.tokenizer().decode(generatedIds);
        }
        long[] all = new long[promptIds.length + generatedIds.length];
        System.arraycopy(promptIds, 0, all, 0, promptIds.length);
        System.arraycopy(generatedIds, 0, all, promptIds.length, generatedIds.length);
        return LlamaOutputs.generationText(model.tokenizer().decode(all));
    }
}
