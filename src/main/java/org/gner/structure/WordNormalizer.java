package org.gner.structure;

/** Maps an input word, already lower-cased the Python way, to the form it is compared in. */
@FunctionalInterface
public interface WordNormalizer {
    WordNormalizer IDENTITY = w -> w;

    String normalize(String lowerCasedWord);
}
