package org.gner.report;

/**
 * What {@code run.json} tells about a run; every field but {@code modelId} may be absent (null), as
 * for a {@code score} run, which has no {@code run.json}.
 */
public record RunSummary(String modelId, String decodingMode, Integer beams, Integer drafts,
        Double sentencesPerSecond, Double outputTokensPerSecond, Double passesPerToken) {

    public static RunSummary unknown() {
        return new RunSummary(null, null, null, null, null, null, null);
    }
}
