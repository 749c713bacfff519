package org.gner.generate;

import org.gner.model.ModelSpec;
import org.gner.model.ModelTokenizer;
import org.gner.prompt.PromptBuilder;

/**
 * How a model reads GNER's instruction and how its prediction text is read back, chosen once from the
 * model: T5 takes the instruction as it is and its generated ids are the prediction; GNER-LLaMA takes
 * it inside {@code [INST] ... [/INST]}, and the prediction is what follows {@code [/INST]} in prompt and
 * generation decoded together ({@link LlamaOutputs}), as GNER's {@code run.py} reads it.
 */
public enum PromptFormat {
    PLAIN,
    LLAMA_INST;

    public static PromptFormat of(ModelSpec spec) {
        return spec.encoderDecoder() ? PLAIN : LLAMA_INST;
    }

    /** The prompt the model is given for GNER's instruction (instruction_inputs). */
    public String wrap(String instruction) {
        return this == PLAIN ? instruction : PromptBuilder.llama(instruction);
    }

    /** GNER's prediction text of a generation (special tokens skipped). */
    public String prediction(ModelTokenizer tokenizer, long[] promptIds, long[] generatedIds) {
        if (this == PLAIN) {
            return tokenizer.decode(generatedIds);
        }
        long[] all = new long[promptIds.length + generatedIds.length];
        System.arraycopy(promptIds, 0, all, 0, promptIds.length);
        System.arraycopy(generatedIds, 0, all, promptIds.length, generatedIds.length);
        return LlamaOutputs.generationText(tokenizer.decode(all));
    }
}
