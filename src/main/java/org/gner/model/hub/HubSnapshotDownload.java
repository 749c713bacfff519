package org.gner.model.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.gner.model.CheckpointFiles;

/**
 * Completes a model's snapshot in the cache from the hub. The revision is pinned to a commit by the
 * first request (config.json), so every file comes from that same commit even if the branch moves.
 */
final class HubSnapshotDownload {
    private static final String TOKENIZER_HINT = ". gner-spark needs the fast-tokenizer file tokenizer.json;"
            + " for a repository that ships only a sentencepiece model, make a local model folder with the"
            + " checkpoint's files plus the tokenizer.json of the same vocabulary (GNER-T5: google/flan-t5-*)";

    private final HubCache cache;
    private final HubClient hub;

    HubSnapshotDownload(HubCache cache, HubClient hub) {
        this.cache = cache;
        this.hub = hub;
    }

    Path run() throws IOException {
        HubRepoId id = cache.id();
        HubFileInfo config = hub.head(id, id.revision(), "config.json").orElseThrow(() -> new IOException(
                id + " has no config.json (" + HubClient.shown(hub.fileUrl(id, id.revision(), "config.json"))
                        + " answered 404): not a transformers model repository?"));
        String commit = config.commit();
        if (config.downloadUri().equals(hub.fileUrl(id, id.revision(), "config.json"))) {
            // fetch the bytes of the very commit the HEAD named, even if the branch moves meanwhile
            config = new HubFileInfo(commit, config.etag(), config.size(), hub.fileUrl(id, commit, "config.json"));
        }
        cache.writeRef(commit);
        store(commit, "config.json", config);
        for (String file : ModelFolder.REQUIRED) {
            require(commit, file);
        }
        for (String file : ModelFolder.OPTIONAL) {
            optional(commit, file);
        }
        weights(commit);
        return cache.snapshotDir(commit);
    }

    private void weights(String commit) throws IOException {
        boolean sharded = cache.has(commit, CheckpointFiles.INDEX_FILE)
                || (!cache.has(commit, CheckpointFiles.SINGLE_FILE) && optional(commit, CheckpointFiles.INDEX_FILE));
        if (sharded) {
            for (String shard : ModelFolder.shardsOf(cache.snapshotFile(commit, CheckpointFiles.INDEX_FILE))) {
                require(commit, shard);
            }
            return;
        }
        if (optional(commit, CheckpointFiles.SINGLE_FILE)) {
            return;
        }
        for (String pickle : ModelFolder.PICKLE_FILES) {
            if (hub.head(cache.id(), commit, pickle).isPresent()) {
                throw new IOException(CheckpointFiles.pickleRefusal(cache.id()) + " (nothing was downloaded; the hub"
                        + " sometimes offers a converted copy on a pull-request revision, e.g. "
                        + cache.id().repoId() + "@refs/pr/1)");
            }
        }
        throw new IOException(cache.id() + " has no weights: neither " + ModelFolder.WEIGHTS_EITHER);
    }

    private void require(String commit, String file) throws IOException {
        if (cache.has(commit, file)) {
            return;
        }
        HubFileInfo info = hub.head(cache.id(), commit, file).orElseThrow(() -> new IOException(
                cache.id() + " has no " + file + " at commit " + commit + " (HTTP 404 from "
                        + HubClient.shown(hub.fileUrl(cache.id(), commit, file)) + ")"
                        + (file.equals("tokenizer.json") ? TOKENIZER_HINT : "")));
        store(commit, file, info);
    }

    /** Fetches a file the hub may lack; remembers its absence as huggingface_hub does. */
    private boolean optional(String commit, String file) throws IOException {
        if (cache.has(commit, file)) {
            return true;
        }
        if (cache.knownMissing(commit, file)) {
            return false;
        }
        Optional<HubFileInfo> info = hub.head(cache.id(), commit, file);
        if (info.isEmpty()) {
            cache.markMissing(commit, file);
            return false;
        }
        store(commit, file, info.get());
        return true;
    }

    private void store(String commit, String file, HubFileInfo info) throws IOException {
        if (cache.has(commit, file)) {
            return;
        }
        Path blob = cache.blob(info.etag());
        if (!Files.isRegularFile(blob)) {
            try (CacheLock lock = CacheLock.acquire(cache.lockFile(info.etag()))) {
                if (!Files.isRegularFile(blob)) { // another process may have finished it while we waited
                    Path incomplete = cache.incompleteBlob(info.etag());
                    hub.download(info, cache.id().repoId() + "/" + file, incomplete);
                    Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        cache.link(commit, file, info.etag());
    }
}
