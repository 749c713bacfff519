package org.gner.report;

/**
 * One run's sentences of one dataset in position order: the pairing key (sentence id and a hash of
 * the words), the position in the run's output (to fetch example sentences), and the counts.
 */
public record DatasetSentences(String dataset, String[] keys, long[] positions, SentenceCounts counts) {
    public DatasetSentences {
        if (keys.length != positions.length || keys.length != counts.size()) {
            throw new IllegalArgumentException(dataset + ": keys, positions and counts differ in length");
        }
    }

    public int size() {
        return keys.length;
    }
}
