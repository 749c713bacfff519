package org.gner.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/**
 * Every token sequence a GNER output of one sentence can be: for each input word, in order, the
 * spelling of {@code word(c)} for every candidate label c ∈ {O, B-x, I-x : x in the label list},
 * then EOS. Spellings are kept as one trie per word, so a word's shared prefix ({@code ▁drama},
 * {@code (}) is a chain of single-child nodes and the label choice is a branch.
 *
 * <p>The tokens of a whole output are the concatenation of its words' spellings: T5's tokenizer
 * splits on whitespace before SentencePiece (a label with a space, {@code B-musical artist}, is
 * still one word's spelling), and LLaMA's tokenizer, which prepends {@code ▁} and has no pre-split,
 * spells {@code ▁word(label)} the same inside a text as alone ({@code OutputAutomatonTokenizerTest}
 * checks both on the real targets). A word the tokenizer cannot spell (an {@code <unk>}) is just its
 * ids: alignment is by position in the trie, never by text. Immutable and thread-safe; a
 * {@link Cursor} walks it.
 */
public final class OutputAutomaton {

    /** One trie node: children by token, and the label whose spelling ends here (-1 if none). */
    static final class Node {
        final int word;
        long[] tokens = new long[0];
        Node[] children = new Node[0];
        BitSet[] reach = new BitSet[0]; // per child: candidate labels whose spelling passes through it
        int label = -1;

        Node(int word) {
            this.word = word;
        }

        int indexOf(long token) {
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] == token) {
                    return i;
                }
            }
            return -1;
        }

        Node child(long token, int candidate) {
            int i = indexOf(token);
            if (i < 0) {
                i = tokens.length;
                tokens = Arrays.copyOf(tokens, i + 1);
                tokens[i] = token;
                children = Arrays.copyOf(children, i + 1);
                reach = Arrays.copyOf(reach, i + 1);
                children[i] = new Node(word);
                reach[i] = new BitSet();
            }
            reach[i].set(candidate);
            return children[i];
        }
    }

    private final List<String> words;
    private final List<String> candidates;
    private final Node[] roots; // per word, then one more: the end, whose only child is EOS
    private final long eos;

    private OutputAutomaton(List<String> words, List<String> candidates, Node[] roots, long eos) {
        this.words = words;
        this.candidates = candidates;
        this.roots = roots;
        this.eos = eos;
    }

    /**
     * @param words   the sentence's words (at least one)
     * @param labels  the entity types of the prompt (without O, B-, I-)
     * @param speller token ids of a text without special tokens, e.g. {@code ModelTokenizer::encodeWithoutSpecial}
     * @param eos     the end-of-sequence id
     */
    public static OutputAutomaton build(List<String> words, List<String> labels,
            Function<List<String>, List<long[]>> speller, long eos) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a GNER output needs at least one word");
        }
        List<String> candidates = candidateLabels(labels);
        List<String> texts = new ArrayList<>(words.size() * candidates.size());
        for (String word : words) {
            for (String c : candidates) {
                texts.add(word + "(" + c + ")");
            }
        }
        List<long[]> spellings = speller.apply(texts);
        Node[] roots = new Node[words.size() + 1];
        for (int w = 0; w < words.size(); w++) {
            roots[w] = new Node(w);
            for (int c = 0; c < candidates.size(); c++) {
                long[] ids = spellings.get(w * candidates.size() + c);
                if (ids.length == 0) {
                    throw new IllegalArgumentException("the tokenizer spells '" + texts.get(w * candidates.size() + c)
                            + "' as no tokens");
                }
                Node node = roots[w];
                for (long id : ids) {
                    node = node.child(id, c);
                }
                if (node.label < 0) {
                    node.label = c; // two labels spelled alike: the first (O, then B-, I- in label order) wins
                }
            }
        }
        Node end = new Node(words.size());
        end.child(eos, 0);
        roots[words.size()] = end;
        return new OutputAutomaton(List.copyOf(words), candidates, roots, eos);
    }

    /** O, then B-x and I-x for every x, in label-list order. */
    public static List<String> candidateLabels(List<String> labels) {
        List<String> out = new ArrayList<>(1 + 2 * labels.size());
        out.add("O");
        for (String x : labels) {
            out.add("B-" + x);
            out.add("I-" + x);
        }
        return out;
    }

    public List<String> words() {
        return words;
    }

    public List<String> candidates() {
        return candidates;
    }

    public Cursor start() {
        return new Cursor(this);
    }

    /** A cursor that has read {@code tokens}. */
    public Cursor cursorAfter(long[] tokens) {
        Cursor c = start();
        for (long t : tokens) {
            c.advance(t);
        }
        return c;
    }

    /** Per-word labels of a token sequence the automaton accepts (free outputs may stop early). */
    public List<String> labelsOf(long[] tokens) {
        Cursor c = cursorAfter(tokens);
        List<String> out = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            int label = i < c.labels.length ? c.labels[i] : -1;
            out.add(label < 0 ? "O" : candidates.get(label));
        }
        return out;
    }

    /**
     * A position in the automaton as tokens arrive: the current trie node, or lost when the tokens
     * left every spelling (free decoding only); the labels chosen so far, per word.
     */
    public static final class Cursor {
        private final OutputAutomaton automaton;
        private Node node;
        private boolean lost;
        private boolean finished;
        private final int[] labels;
        private int lastLabel = -1;
        private int lostFromWord;

        private Cursor(OutputAutomaton automaton) {
            this.automaton = automaton;
            this.node = automaton.roots[0];
            this.labels = new int[automaton.words.size()];
            Arrays.fill(labels, -1);
        }

        private Cursor(Cursor other) {
            this.automaton = other.automaton;
            this.node = other.node;
            this.lost = other.lost;
            this.finished = other.finished;
            this.labels = other.labels.clone();
            this.lastLabel = other.lastLabel;
            this.lostFromWord = other.lostFromWord;
        }

        public Cursor copy() {
            return new Cursor(this);
        }

        public boolean lost() {
            return lost;
        }

        /** EOS was read after the last word. */
        public boolean finished() {
            return finished;
        }

        /** The word being spelled (the word count at the end). */
        public int word() {
            return lost ? lostFromWord : node.word;
        }

        /**
         * The tokens allowed next, ascending (empty when lost or finished). A node where one label's
         * spelling ends while longer spellings go on also allows the next word's first tokens.
         */
        public long[] allowed() {
            if (lost || finished) {
                return new long[0];
            }
            long[] own = node.tokens;
            if (node.label >= 0 && own.length > 0) {
                long[] next = automaton.roots[node.word + 1].tokens;
                long[] both = Arrays.copyOf(own, own.length + next.length);
                System.arraycopy(next, 0, both, own.length, next.length);
                own = Arrays.stream(both).distinct().toArray();
            }
            long[] sorted = own.clone();
            Arrays.sort(sorted);
            return sorted;
        }

        /** Whether {@code token}, allowed here, is a label branch's choice that leads only to O. */
        public boolean choosesOutside(long token) {
            if (lost || finished || node.tokens.length < 2) {
                return false;
            }
            int i = node.indexOf(token);
            return i >= 0 && node.reach[i].cardinality() == 1 && node.reach[i].get(0);
        }

        /** The single allowed token, or -1 at a branch (or when lost or finished). */
        public long forced() {
            if (lost || finished || node.tokens.length != 1 || node.label >= 0) {
                return -1;
            }
            return node.tokens[0];
        }

        /** Moves on by one token; a token outside the automaton makes the cursor lost (see {@link #resync}). */
        public void advance(long token) {
            if (finished) {
                return;
            }
            if (lost) {
                resync(token);
                return;
            }
            int i = node.indexOf(token);
            if (i < 0 && node.label >= 0) {
                completeWord(node.label);
                i = node.indexOf(token);
            }
            if (i < 0) {
                lost = true;
                lostFromWord = node.word;
                return;
            }
            enter(node.children[i]);
        }

        private void enter(Node child) {
            if (child.word == automaton.words.size()) { // the end node's only child: EOS
                finished = true;
                node = child;
                return;
            }
            node = child;
            if (child.label >= 0 && child.tokens.length == 0) {
                completeWord(child.label);
            }
        }

        private void completeWord(int label) {
            labels[node.word] = label;
            lastLabel = label;
            node = automaton.roots[node.word + 1];
        }

        /**
         * While lost, the model wrote something that is not the next spelling (a changed word, a
         * skipped or extra one). A token that starts some word's spelling puts the cursor there:
         * first the words at and after the one being spelled, nearest first, then earlier ones.
         */
        private void resync(long token) {
            int n = automaton.words.size();
            for (int step = 0; step < n; step++) {
                int w = (lostFromWord + step) % n;
                Node root = automaton.roots[w];
                int i = root.indexOf(token);
                if (i >= 0) {
                    lost = false;
                    node = root;
                    enter(root.children[i]);
                    return;
                }
            }
        }

        /**
         * Up to {@code max} tokens the output most likely continues with: the current word's
         * spelling along the label this row is expected to pick, then the following words, then EOS.
         * The expected label is {@code I-x} right after a word labelled {@code B-x} or {@code I-x}
         * (when {@code continueEntities}), else O.
         */
        public int draft(long[] out, int max, boolean continueEntities) {
            if (lost || finished) {
                return 0;
            }
            Node at = node;
            int previous = lastLabel;
            int count = 0;
            while (count < max) {
                if (at.word == automaton.words.size()) {
                    out[count++] = automaton.eos;
                    return count;
                }
                if (at.tokens.length == 0) {
                    at = automaton.roots[at.word + 1];
                    continue;
                }
                int expected = expectedLabel(previous, continueEntities);
                int pick = 0;
                for (int i = 0; i < at.tokens.length; i++) {
                    if (at.reach[i].get(expected)) {
                        pick = i;
                        break;
                    }
                    if (at.reach[i].nextSetBit(0) < at.reach[pick].nextSetBit(0)) {
                        pick = i;
                    }
                }
                out[count++] = at.tokens[pick];
                Node child = at.children[pick];
                if (child.label >= 0 && (child.tokens.length == 0 || child.label == expected)) {
                    previous = child.label;
                    at = automaton.roots[child.word + 1];
                } else {
                    at = child;
                }
            }
            return count;
        }

        /** Only the forced tokens from here: the run up to the next branch point. */
        public int forcedRun(long[] out, int max) {
            if (lost || finished) {
                return 0;
            }
            Cursor probe = copy();
            int count = 0;
            while (count < max) {
                long t = probe.forced();
                if (t < 0) {
                    break;
                }
                out[count++] = t;
                probe.advance(t);
            }
            return count;
        }

        private int expectedLabel(int previous, boolean continueEntities) {
            if (!continueEntities || previous <= 0) {
                return 0;
            }
            int type = (previous - 1) / 2;
            return 2 + 2 * type; // I-x
        }

        public List<String> labels() {
            List<String> out = new ArrayList<>(labels.length);
            for (int l : labels) {
                out.add(l < 0 ? null : automaton.candidates.get(l));
            }
            return out;
        }
    }
}
