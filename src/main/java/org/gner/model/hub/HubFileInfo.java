package org.gner.model.hub;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * What the hub says about one file before it is downloaded (huggingface_hub's HfFileMetadata).
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag the blob name: git sha1 for plain files, sha256 of the content for LFS files
 *     ({@code X-Linked-Etag}, else {@code ETag}), without quotes or {@code W/}
 * @param size bytes, or -1 when the hub did not say
 * @param downloadUri where the bytes are: the resolve URL, or the CDN URL it redirects to
 */
record HubFileInfo(String commit, String etag, long size, URI downloadUri) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** LFS blobs are named by the sha256 of their content, which lets a download be verified. */
    boolean etagIsSha256() {
        return SHA256.matcher(etag).matches();
    }

    /** huggingface_hub's _normalize_etag: drop a weak-validator prefix and the quotes. */
    static String normalizeEtag(String header) {
        if (header == null) {
            return null;
        }
        String etag = header.trim();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return etag.isEmpty() ? null : etag;
    }
}
