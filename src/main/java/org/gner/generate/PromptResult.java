package org.gner.generate;

/**
 * What one prompt gave.
 *
 * @param inputIds the ids fed to the model (after {@link InputLimit})
 * @param promptTokens the prompt's length before any cut
 * @param tokenIds the generated ids only (no decoder start, no prompt), EOS last when produced; null on error
 * @param text the decoded generation (GNER's prediction text); null on error
 * @param error why this prompt produced nothing; null on success
 */
public record PromptResult(long[] inputIds, int promptTokens, long[] tokenIds, String text, String error) {

    public boolean truncated() {
        return inputIds.length < promptTokens;
    }

    public boolean failed() {
        return error != null;
    }

    public int outputTokens() {
        return tokenIds == null ? 0 : tokenIds.length;
    }
}
