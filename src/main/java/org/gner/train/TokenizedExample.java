package org.gner.train;

import org.gner.prompt.GnerExample;

/** One training pair: the prompt's ids and the target's ids (each ending in EOS), with its source. */
public record TokenizedExample(GnerExample example, long[] prompt, long[] target) {

    /** Prompt plus target tokens: what the token budget counts. */
    public int tokens() {
        return prompt.length + target.length;
    }
}
