package org.gner.model.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One repository's folder in the Hugging Face hub cache, laid out exactly as huggingface_hub does it,
 * so models that Python users already downloaded are reused and ours are reused by them:
 *
 * <pre>
 * models--org--name/
 *   refs/main                      commit hash the revision pointed at
 *   blobs/&lt;etag&gt;                  file contents, named by git sha1 or (LFS files) sha256
 *   blobs/&lt;etag&gt;.incomplete       a download in progress, resumed from where it stopped
 *   snapshots/&lt;commit&gt;/&lt;file&gt;     relative symlink to ../../blobs/&lt;etag&gt; (a plain file works too)
 *   .no_exist/&lt;commit&gt;/&lt;file&gt;     empty marker: the hub has no such file at that commit
 * .locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 */
record HubCache(Path root, HubRepoId id) {

    Path repoDir() {
        return root.resolve(id.cacheFolderName());
    }

    Path refFile(String revision) {
        return repoDir().resolve("refs").resolve(revision);
    }

    Path snapshotDir(String commit) {
        return repoDir().resolve("snapshots").resolve(commit);
    }

    Path snapshotFile(String commit, String file) {
        return snapshotDir(commit).resolve(file);
    }

    Path blob(String etag) {
        return repoDir().resolve("blobs").resolve(etag);
    }

    Path incompleteBlob(String etag) {
        return repoDir().resolve("blobs").resolve(etag + ".incomplete");
    }

    Path noExistMarker(String commit, String file) {
        return repoDir().resolve(".no_exist").resolve(commit).resolve(file);
    }

    Path lockFile(String etag) {
        return root.resolve(".locks").resolve(id.cacheFolderName()).resolve(etag + ".lock");
    }

    /** The commit the requested revision resolves to in this cache, if it was ever downloaded. */
    Optional<String> cachedCommit() throws IOException {
        if (id.revisionIsCommit()) {
            return Optional.of(id.revision());
        }
        Path ref = refFile(id.revision());
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
        return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    }

    /** A file of the snapshot that is present and readable (a dangling symlink is not). */
    boolean has(String commit, String file) {
        return Files.isRegularFile(snapshotFile(commit, file));
    }

    boolean knownMissing(String commit, String file) {
        return Files.exists(noExistMarker(commit, file));
    }

    void markMissing(String commit, String file) throws IOException {
        Path marker = noExistMarker(commit, file);
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // another process recorded it first
        }
    }

    void writeRef(String commit) throws IOException {
        if (id.revisionIsCommit()) {
            return;
        }
        Path ref = refFile(id.revision());
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).trim().equals(commit)) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Points the snapshot entry at the blob: a relative symlink, or a copy where links are unsupported. */
    Path link(String commit, String file, String etag) throws IOException {
        Path pointer = snapshotFile(commit, file);
        Path blob = blob(etag);
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        try {
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isRegularFile(pointer)) { // another process linked it meanwhile: fine if it resolves
                throw e;
            }
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
        }
        return pointer;
    }
}
