package org.gner.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gner.data.ConllReader;
import org.gner.data.NerSentence;

/**
 * {@code ClusterTestCorpus <supervised data dir> <n> <file>}: the first n CoNLL-2003 test sentences,
 * words joined by spaces, one document per line (for {@code jobs/cluster-test.sh --kill-executor}).
 */
public final class ClusterTestCorpus {
    private ClusterTestCorpus() {}

    public static void main(String[] args) throws Exception {
        List<String> lines = ConllReader.read(Path.of(args[0]), "conll2003", "test").sentences().stream()
                .map(NerSentence::words).filter(w -> !w.isEmpty()).map(w -> String.join(" ", w))
                .limit(Integer.parseInt(args[1])).toList();
        if (lines.size() < Integer.parseInt(args[1])) {
            throw new IllegalStateException("only " + lines.size() + " sentences in " + args[0]);
        }
        Files.write(Path.of(args[2]), lines);
    }
}
