package org.gner.model.hub;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face hub, {@code org/name}, at a revision (branch, tag or
 * commit hash; {@code main} unless {@code org/name@revision} says otherwise).
 */
public record HubRepoId(String org, String name, String revision) {
    public static final String DEFAULT_REVISION = "main";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HubRepoId {
        if (!validSegment(org) || !validSegment(name)) {
            throw new IllegalArgumentException("not a hub repository id: " + org + "/" + name);
        }
        if (!validRevision(revision)) {
            throw new IllegalArgumentException("not a valid revision: '" + revision + "'");
        }
    }

    /** Parses {@code org/name} or {@code org/name@revision}; empty when the text is not of that form. */
    public static Optional<HubRepoId> parse(String text) {
        int at = text.indexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? DEFAULT_REVISION : text.substring(at + 1);
        String[] parts = repo.split("/", -1);
        if (parts.length != 2 || !validSegment(parts[0]) || !validSegment(parts[1]) || !validRevision(revision)) {
            return Optional.empty();
        }
        return Optional.of(new HubRepoId(parts[0], parts[1], revision));
    }

    public String repoId() {
        return org + "/" + name;
    }

    /** The repository's folder in the HF cache, as huggingface_hub names it. */
    public String cacheFolderName() {
        return "models--" + org + "--" + name;
    }

    public boolean revisionIsCommit() {
        return isCommitHash(revision);
    }

    public static boolean isCommitHash(String text) {
        return COMMIT.matcher(text).matches();
    }

    @Override
    public String toString() {
        return repoId() + "@" + revision;
    }

    private static boolean validSegment(String s) {
        return s != null && SEGMENT.matcher(s).matches() && !s.contains("..") && !s.contains("--");
    }

    /** Revisions may hold slashes ({@code refs/pr/1}) but never climb out of the cache folder. */
    private static boolean validRevision(String r) {
        if (r == null || r.isEmpty() || r.startsWith("/") || r.endsWith("/")) {
            return false;
        }
        for (String part : r.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return r.chars().noneMatch(c -> c <= ' ' || c == '\\' || c == 127);
    }
}
