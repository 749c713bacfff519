package org.gner.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback stand-in for the Hugging Face hub, speaking the resolve protocol huggingface_hub relies
 * on: {@code /<org>/<name>/resolve/<revision>/<file>} answers with {@code ETag} (git sha1) and
 * {@code X-Repo-Commit}; LFS files answer 302 with {@code X-Linked-Etag} (sha256) and
 * {@code X-Linked-Size}, redirecting to a separate "CDN" server (another origin) with a signed-looking
 * query, which honours {@code Range}. Every request is recorded.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "4f2a9c1e0b7d3a5f6e8c9d0a1b2c3d4e5f6a7b8c";

    record Request(String server, String method, String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private record Stored(byte[] bytes, boolean lfs) {}

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Map<String, Stored>> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private volatile String requiredToken;
    private volatile int dropCdnAfterBytes = -1;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::serveHub);
        cdn.createContext("/", this::serveCdn);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    String cdnOrigin() {
        return "http://127.0.0.1:" + cdn.getAddress().getPort();
    }

    void put(String repo, String file, byte[] bytes, boolean lfs) {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(file, new Stored(bytes, lfs));
        if (lfs) {
            blobs.put(sha256(bytes), bytes);
        }
    }

    /** Answers requests for {@code file} with {@code status}. */
    void failWith(String file, int status) {
        failures.put(file, status);
    }

    /** Hub requests must carry {@code Authorization: Bearer <token>} (401 without, 403 with another). */
    void requireToken(String token) {
        requiredToken = token;
    }

    /** The next CDN download sends this many bytes, then drops the connection. */
    void dropNextCdnDownloadAfter(int bytes) {
        dropCdnAfterBytes = bytes;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    static String gitSha1(byte[] bytes) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    private void serveHub(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "hub");
            String[] parts = URI.create(ex.getRequestURI().getRawPath()).getRawPath().split("/", 6);
            // "", org, name, "resolve", revision, file
            if (parts.length != 6 || !parts[3].equals("resolve")) {
                send(ex, 404, "RepoNotFound");
                return;
            }
            String repo = parts[1] + "/" + parts[2];
            String revision = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
            String file = URLDecoder.decode(parts[5], StandardCharsets.UTF_8);
            String token = requiredToken;
            if (token != null) {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.equals("Bearer " + token)) {
                    ex.getResponseHeaders().set("X-Error-Message", "Access to model " + repo + " is restricted.");
                    send(ex, auth == null ? 401 : 403, null);
                    return;
                }
            }
            Map<String, Stored> files = repos.get(repo);
            if (files == null) {
                send(ex, 404, "RepoNotFound");
                return;
            }
            if (!revision.equals("main") && !revision.equals(COMMIT)) {
                send(ex, 404, "RevisionNotFound");
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
            Integer failure = failures.get(file);
            if (failure != null) {
                send(ex, failure, null);
                return;
            }
            Stored stored = files.get(file);
            if (stored == null) {
                send(ex, 404, "EntryNotFound");
                return;
            }
            if (stored.lfs()) {
                String sha = sha256(stored.bytes());
                ex.getResponseHeaders().set("ETag", "\"" + gitSha1(("version https://git-lfs.github.com/spec/v1\noid sha256:"
                        + sha).getBytes(StandardCharsets.UTF_8)) + "\"");
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Long.toString(stored.bytes().length));
                ex.getResponseHeaders().set("Location", cdnOrigin() + "/blobs/" + sha + "?X-Amz-Signature=s3cr3t");
                send(ex, 302, null);
                return;
            }
            ex.getResponseHeaders().set("ETag", "\"" + gitSha1(stored.bytes()) + "\"");
            sendBytes(ex, 200, stored.bytes(), 0);
        }
    }

    private void serveCdn(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "cdn");
            String path = ex.getRequestURI().getPath();
            byte[] bytes = path.startsWith("/blobs/") ? blobs.get(path.substring("/blobs/".length())) : null;
            if (bytes == null) {
                send(ex, 404, null);
                return;
            }
            ex.getResponseHeaders().set("ETag", "\"" + sha256(bytes) + "\"");
            String range = ex.getRequestHeaders().getFirst("Range");
            int start = 0;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                start = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                if (start >= bytes.length) {
                    send(ex, 416, null);
                    return;
                }
                ex.getResponseHeaders().set("Content-Range",
                        "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
            }
            sendBytes(ex, start > 0 ? 206 : 200, bytes, start);
        }
    }

    private void sendBytes(HttpExchange ex, int status, byte[] bytes, int start) throws IOException {
        int length = bytes.length - start;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        int drop = dropCdnAfterBytes;
        if (drop >= 0 && ex.getHttpContext().getServer() == cdn) {
            dropCdnAfterBytes = -1;
            out.write(bytes, start, Math.min(drop, length));
            out.flush();
            throw new IOException("fake CDN drops the connection");
        }
        out.write(bytes, start, length);
    }

    private static void send(HttpExchange ex, int status, String errorCode) throws IOException {
        if (errorCode != null) {
            ex.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        ex.sendResponseHeaders(status, -1);
    }

    private synchronized void record(HttpExchange ex, String server) {
        Map<String, String> headers = new ConcurrentHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestURI().getPath(), headers));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
