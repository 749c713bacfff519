package org.gner.spark;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.gner.data.ConllLines;
import org.gner.data.ConllReader;
import org.gner.data.ConllReader.PromptLabels;
import org.gner.data.InputFormatException;
import scala.Tuple2;

/**
 * One CoNLL split file read by Spark into the sentences {@link ConllReader#readSentences} reads, numbered
 * alike, with the same errors, and no line of it on the driver. A first job summarises each partition of
 * the file's lines and checks them; from those numbers the driver places every partition in the file
 * ({@link ConllPartitions}); executors then cut their lines into sentences. Only a sentence that a
 * partition boundary cuts is shuffled: its pieces meet under its index.
 */
final class ConllSplitFile {
    private final JavaPairRDD<LongWritable, Text> lines;
    private final String source;
    private final PromptLabels labels;
    private final ConllPartitions.Placement[] placements;
    private final long sentences;

    private ConllSplitFile(JavaPairRDD<LongWritable, Text> lines, String source, PromptLabels labels,
            ConllPartitions.Placement[] placements, long sentences) {
        this.lines = lines;
        this.source = source;
        this.labels = labels;
        this.placements = placements;
        this.sentences = sentences;
    }

    /** Checks every line (one Spark job); a malformed one fails as ConllReader fails, naming file and line. */
    static ConllSplitFile scan(JavaSparkContext jsc, Path file, PromptLabels labels, int minPartitions) {
        ConllReader.requireSplitFile(file);
        String source = file.toString();
        JavaPairRDD<LongWritable, Text> lines = jsc.hadoopFile(file.toUri().toString(), TextInputFormat.class,
                LongWritable.class, Text.class, minPartitions);
        List<ConllPartitions.Summary> summaries = lines
                .mapPartitionsWithIndex((p, it) -> List.of(summarize(p, it, source, labels).row()).iterator(), false)
                .collect().stream().map(ConllPartitions.Summary::of).toList();
        ConllPartitions.Layout layout = ConllPartitions.layout(summaries);
        if (layout.errorReason() != null) {
            throw new InputFormatException(source, layout.errorLine(), layout.errorReason());
        }
        return new ConllSplitFile(lines, source, labels, layout.placements(), layout.sentences());
    }

    long sentences() {
        return sentences;
    }

    /** The first {@code count} sentences as {@code (index, [String[] words, String[] labels])}. */
    JavaPairRDD<Long, Row> first(long count) {
        String src = source;
        PromptLabels lbl = labels;
        ConllPartitions.Placement[] at = placements;
        JavaRDD<Tuple2<Long, Row>> pieces = lines.mapPartitionsWithIndex(
                (p, it) -> cut(p, it, at[p], src, lbl, count), false);
        JavaPairRDD<Long, Row> whole = pieces.filter(t -> t._2().getBoolean(3))
                .mapToPair(t -> new Tuple2<>(t._1(), RowFactory.create(t._2().get(1), t._2().get(2))));
        JavaPairRDD<Long, Row> joined = pieces.filter(t -> !t._2().getBoolean(3))
                .mapToPair(t -> t)
                .groupByKey()
                .mapValues(ConllSplitFile::join);
        return whole.union(joined);
    }

    private static ConllPartitions.Summary summarize(int partition, Iterator<Tuple2<LongWritable, Text>> it,
            String source, PromptLabels labels) {
        ConllLines rules = new ConllLines(labels.labels(), labels.typeMapping());
        CharsetDecoder utf8 = strictUtf8();
        long lines = 0;
        long opened = 0;
        boolean firstBreak = false;
        boolean previousBreak = true;
        while (it.hasNext()) {
            Text text = it.next()._2();
            String line;
            try {
                line = ConllLines.clean(decode(text, utf8), partition == 0 && lines == 0);
                if (!ConllLines.isBreak(line)) {
                    rules.token(line, source, 0);
                }
            } catch (CharacterCodingException e) {
                return new ConllPartitions.Summary(partition, lines, firstBreak, previousBreak, opened, lines,
                        "not valid UTF-8");
            } catch (InputFormatException e) {
                return new ConllPartitions.Summary(partition, lines, firstBreak, previousBreak, opened, lines,
                        e.reason());
            }
            boolean isBreak = ConllLines.isBreak(line);
            if (lines == 0) {
                firstBreak = isBreak;
            }
            if (!isBreak && previousBreak) {
                opened++;
            }
            previousBreak = isBreak;
            lines++;
        }
        return new ConllPartitions.Summary(partition, lines, firstBreak, previousBreak, opened, -1, null);
    }

    /**
     * The partition's runs of non-break lines below sentence {@code limit}, as {@code (sentence index,
     * [partition, words, labels, whole])}; a run is whole when neither neighbouring partition holds
     * part of its sentence.
     */
    private static Iterator<Tuple2<Long, Row>> cut(int partition, Iterator<Tuple2<LongWritable, Text>> it,
            ConllPartitions.Placement at, String source, PromptLabels labels, long limit)
            throws CharacterCodingException {
        ConllLines rules = new ConllLines(labels.labels(), labels.typeMapping());
        CharsetDecoder utf8 = strictUtf8();
        List<Tuple2<Long, Row>> out = new ArrayList<>();
        long sentence = at.sentencesBefore() - 1;
        long lineNo = at.firstLine();
        boolean previousBreak = at.afterBreak();
        boolean continued = false;
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        while (it.hasNext()) {
            String line = ConllLines.clean(decode(it.next()._2(), utf8), lineNo == 0);
            lineNo++;
            if (ConllLines.isBreak(line)) {
                if (!words.isEmpty()) {
                    emit(out, sentence, partition, words, tags, !continued);
                }
                previousBreak = true;
                continue;
            }
            if (words.isEmpty()) {
                continued = !previousBreak;
                if (previousBreak) {
                    sentence++;
                }
            }
            previousBreak = false;
            if (sentence >= limit) {
                return out.iterator();
            }
            ConllLines.Token token = rules.token(line, source, lineNo);
            words.add(token.word());
            tags.add(token.label());
        }
        if (!words.isEmpty()) {
            emit(out, sentence, partition, words, tags, !continued && at.beforeBreak());
        }
        return out.iterator();
    }

    private static void emit(List<Tuple2<Long, Row>> out, long sentence, int partition, List<String> words,
            List<String> tags, boolean whole) {
        out.add(new Tuple2<>(sentence, RowFactory.create(partition, words.toArray(new String[0]),
                tags.toArray(new String[0]), whole)));
        words.clear();
        tags.clear();
    }

    private static Row join(Iterable<Row> pieces) {
        List<Row> ordered = new ArrayList<>();
        pieces.forEach(ordered::add);
        ordered.sort((a, b) -> Integer.compare(a.getInt(0), b.getInt(0)));
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (Row piece : ordered) {
            words.addAll(Arrays.asList((String[]) piece.get(1)));
            tags.addAll(Arrays.asList((String[]) piece.get(2)));
        }
        return RowFactory.create(words.toArray(new String[0]), tags.toArray(new String[0]));
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static String decode(Text text, CharsetDecoder utf8) throws CharacterCodingException {
        return utf8.reset().decode(ByteBuffer.wrap(text.getBytes(), 0, text.getLength())).toString();
    }
}
