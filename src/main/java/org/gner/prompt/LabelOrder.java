package org.gner.prompt;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The order of the entity labels in each instruction.
 *
 * <p>GNER calls Python's {@code random.shuffle(label_list)} once per sentence (unseeded, and
 * in place, so each shuffle starts from the previous one). Here the default, {@link #seeded}, is a
 * reproducible equivalent: each sentence's order is a pure function of (dataset name, sentence id,
 * seed, input label order), the same on every JVM, Java version, machine and Spark partitioning:
 * <ol>
 *   <li>key = 64-bit FNV-1a over the UTF-8 bytes of the dataset name, one {@code 0xFF} byte (never
 *       part of UTF-8, so the pair is unambiguous), then the UTF-8 bytes of the sentence id;</li>
 *   <li>a SplitMix64 generator starts from {@code key ^ mix64(seed)} ({@code mix64} = SplitMix64's
 *       finalizer);</li>
 *   <li>a Fisher-Yates shuffle of the input list (label.txt order), {@code i} from {@code n-1} down
 *       to 1, swaps {@code i} with {@code j} uniform in {@code [0, i]}, drawn without bias from the
 *       high 32 bits of the next output by rejection.</li>
 * </ol>
 * No {@link String#hashCode} or {@link java.util.Random} is involved.
 */
public final class LabelOrder implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Seed of {@link #DEFAULT}. */
    public static final long DEFAULT_SEED = 1234L;
    /** Seeded with {@link #DEFAULT_SEED} (the seed of GNER's training scripts). */
    public static final LabelOrder DEFAULT = seeded(DEFAULT_SEED);

    private final LabelOrderMode mode;
    private final long seed;

    private LabelOrder(LabelOrderMode mode, long seed) {
        this.mode = mode;
        this.seed = seed;
    }

    public static LabelOrder seeded(long seed) {
        return new LabelOrder(LabelOrderMode.SEEDED, seed);
    }

    public static LabelOrder file() {
        return new LabelOrder(LabelOrderMode.FILE, 0);
    }

    public static LabelOrder record() {
        return new LabelOrder(LabelOrderMode.RECORD, 0);
    }

    /**
     * Parses {@code seeded}, {@code seeded:<long>}, {@code file} or {@code record}
     * (case-insensitive), e.g. for a command-line option.
     */
    public static LabelOrder parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("seeded")) {
            return DEFAULT;
        }
        if (s.startsWith("seeded:")) {
            try {
                return seeded(Long.parseLong(s.substring("seeded:".length()).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad seed in label order '" + spec + "'", e);
            }
        }
        if (s.equals("file")) {
            return file();
        }
        if (s.equals("record")) {
            return record();
        }
        throw new IllegalArgumentException("label order must be seeded[:<seed>], file or record, got '" + spec + "'");
    }

    public LabelOrderMode mode() {
        return mode;
    }

    /** The seed ({@link LabelOrderMode#SEEDED} only; 0 otherwise). */
    public long seed() {
        return seed;
    }

    /**
     * The label order for one sentence.
     *
     * @param fileLabels   the labels in label.txt order (needed by SEEDED and FILE)
     * @param recordLabels the record's own label_list (needed by RECORD; may be null otherwise)
     */
    public List<String> order(String dataset, String sentenceId, List<String> fileLabels, List<String> recordLabels) {
        return switch (mode) {
            case SEEDED -> shuffle(Objects.requireNonNull(fileLabels, "fileLabels"), dataset, sentenceId, seed);
            case FILE -> List.copyOf(Objects.requireNonNull(fileLabels, "fileLabels"));
            case RECORD -> {
                if (recordLabels == null) {
                    throw new IllegalArgumentException("label order 'record' needs records with a label_list");
                }
                yield List.copyOf(recordLabels);
            }
        };
    }

    /** The seeded shuffle described in the class comment; returns a new immutable list. */
    public static List<String> shuffle(List<String> labels, String dataset, String sentenceId, long seed) {
        List<String> out = new ArrayList<>(labels);
        long state = key(dataset, sentenceId) ^ mix64(seed);
        for (int i = out.size() - 1; i > 0; i--) {
            long bound = i + 1L;
            long limit = (1L << 32) - ((1L << 32) % bound);
            long r;
            do {
                state += 0x9E3779B97F4A7C15L;
                r = mix64(state) >>> 32;
            } while (r >= limit);
            Collections.swap(out, i, (int) (r % bound));
        }
        return Collections.unmodifiableList(out);
    }

    static long key(String dataset, String sentenceId) {
        long h = 0xCBF29CE484222325L;
        h = fnv(h, dataset.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xFF) * 0x100000001B3L;
        return fnv(h, sentenceId.getBytes(StandardCharsets.UTF_8));
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelOrder l && l.mode == mode && l.seed == seed;
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return mode == LabelOrderMode.SEEDED ? "seeded:" + seed : mode.name().toLowerCase(Locale.ROOT);
    }
}
