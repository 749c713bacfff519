package org.gner.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's file protocol, as huggingface_hub's file_download.py speaks it: a HEAD on
 * {@code <endpoint>/<org>/<name>/resolve/<revision>/<file>} yields commit, etag and size (LFS files
 * answer with a redirect to a CDN plus {@code X-Linked-Etag}/{@code X-Linked-Size}); a GET, resumed
 * with a {@code Range} header from a partial file, yields the bytes.
 *
 * <p>The token goes only to the endpoint's own origin, never to the CDN (its URLs are pre-signed),
 * and appears in no message: URLs are shown without query strings and server texts are scrubbed.
 */
final class HubClient {
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GET_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 10;
    private static final int BUFFER = 1 << 20;
    private static final Set<String> FATAL_404_CODES = Set.of("RepoNotFound", "RevisionNotFound");

    private final HttpClient http;
    private final URI endpoint;
    private final String token;
    private final PrintStream log;

    /** @param token bearer token, or null */
    HubClient(HttpClient http, URI endpoint, String token, PrintStream log) {
        this.http = http;
        this.endpoint = endpoint;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.log = log;
    }

    URI endpoint() {
        return endpoint;
    }

    URI fileUrl(HubRepoId id, String revision, String file) {
        String base = endpoint.toString().replaceAll("/+$", "");
        return URI.create(base + "/" + id.org() + "/" + id.name() + "/resolve/" + encode(revision) + "/"
                + encodePath(file));
    }

    /**
     * The hub's metadata for a file; empty when the repository exists but has no such file.
     * Same-origin redirects (renamed repositories) are followed; the CDN is not asked.
     */
    Optional<HubFileInfo> head(HubRepoId id, String revision, String file) throws IOException {
        URI url = fileUrl(id, revision, file);
        List<HttpResponse<Void>> hops = new ArrayList<>();
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = request(current, Method.HEAD, -1, HEAD_TIMEOUT);
            HttpResponse<Void> response = send(request, HttpResponse.BodyHandlers.discarding());
            addWithHistory(hops, response);
            URI next = redirectTarget(response);
            if (next == null || !sameOrigin(next, endpoint)) {
                break;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new IOException("too many redirects from " + shown(url));
            }
            current = next;
        }
        HttpResponse<Void> last = hops.get(hops.size() - 1);
        int status = last.statusCode();
        if (status == 404) {
            String code = last.headers().firstValue("X-Error-Code").orElse("EntryNotFound");
            if (FATAL_404_CODES.contains(code)) {
                throw new IOException(id + ": " + code + " (HTTP 404 from " + shown(url) + ")" + serverMessage(last));
            }
            return Optional.empty();
        }
        if (status == 401 || status == 403) {
            throw accessDenied(id, url, last);
        }
        if (status < 200 || status >= 400) {
            throw new IOException("HTTP " + status + " from " + shown(url) + serverMessage(last));
        }
        return Optional.of(fileInfo(url, hops));
    }

    private HubFileInfo fileInfo(URI url, List<HttpResponse<Void>> hops) throws IOException {
        HttpResponse<Void> meta = null;
        for (HttpResponse<Void> hop : hops) {
            if (hop.headers().firstValue("X-Repo-Commit").isPresent()) {
                meta = hop;
            }
        }
        if (meta == null) {
            throw new IOException(shown(url) + " answered without an X-Repo-Commit header: HF_ENDPOINT must point"
                    + " at a Hugging Face hub (or a mirror that keeps its headers)");
        }
        var headers = meta.headers();
        String commit = headers.firstValue("X-Repo-Commit").orElseThrow().trim();
        String etag = HubFileInfo.normalizeEtag(
                headers.firstValue("X-Linked-Etag").orElse(headers.firstValue("ETag").orElse(null)));
        if (etag == null || etag.contains("/") || etag.contains("\\") || etag.startsWith(".")) {
            throw new IOException(shown(url) + " answered without a usable ETag, so the file cannot be cached");
        }
        boolean redirected = isRedirect(meta.statusCode());
        long size = headers.firstValueAsLong("X-Linked-Size")
                .orElse(redirected ? -1 : headers.firstValueAsLong("Content-Length").orElse(-1));
        URI download = redirected ? redirectTarget(meta) : meta.uri();
        return new HubFileInfo(commit, etag, size, download);
    }

    /**
     * Downloads a file's bytes into {@code incomplete}, continuing a partial file with a Range request,
     * and checks size and (for LFS files) sha256. A failed download leaves the partial file to resume.
     */
    void download(HubFileInfo info, String label, Path incomplete) throws IOException {
        Files.createDirectories(incomplete.getParent());
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (info.size() >= 0 && have > info.size()) {
            Files.delete(incomplete);
            have = 0;
        }
        if (have == 0 || have != info.size()) {
            if (!fetch(info, label, incomplete, have)) {
                Files.deleteIfExists(incomplete); // the server could not continue this partial file
                fetch(info, label, incomplete, 0);
            }
        }
        long got = Files.size(incomplete);
        if (info.size() >= 0 && got != info.size()) {
            throw new IOException("download of " + label + " stopped at " + got + " of " + info.size()
                    + " bytes; run again to resume from " + incomplete);
        }
        if (info.etagIsSha256()) {
            String actual = sha256(incomplete);
            if (!actual.equals(info.etag())) {
                Files.delete(incomplete);
                throw new IOException("download of " + label + " is corrupt: sha256 " + actual + ", expected "
                        + info.etag() + " (the partial file was removed; run again)");
            }
        }
    }

    /** One GET, appended to the partial file. False when the server refused to continue it. */
    private boolean fetch(HubFileInfo info, String label, Path incomplete, long have) throws IOException {
        URI url = info.downloadUri();
        HttpResponse<InputStream> response = get(url, have);
        int status = response.statusCode();
        boolean append;
        if (status == 206 && have > 0) {
            long start = rangeStart(response);
            if (start != have) {
                response.body().close();
                return false;
            }
            append = true;
        } else if (status == 200) {
            append = false;
            have = 0;
        } else {
            response.body().close();
            if (status == 416 && have > 0) {
                return false;
            }
            if (status == 401 || status == 403) {
                throw new IOException("HTTP " + status + " downloading " + label + " from " + shown(url)
                        + ": access denied; set HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) to a token with read access");
            }
            throw new IOException("HTTP " + status + " downloading " + label + " from " + shown(url));
        }
        DownloadProgress progress = new DownloadProgress(log, label, info.size(), have);
        long written = have;
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                written += n;
                progress.update(written);
            }
        } catch (IOException e) {
            throw new IOException("download of " + label + " was interrupted after " + written + " bytes ("
                    + e + "); run again to resume from " + incomplete, e);
        }
        progress.done(written);
        return true;
    }

    /** GET with every redirect followed; the token is dropped once the target leaves the endpoint's origin. */
    private HttpResponse<InputStream> get(URI url, long rangeStart) throws IOException {
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = request(current, Method.GET, rangeStart, GET_TIMEOUT);
            HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
            URI next = redirectTarget(response);
            if (next == null) {
                return response;
            }
            response.body().close();
            if (redirects == MAX_REDIRECTS) {
                throw new IOException("too many redirects from " + shown(url));
            }
            current = next;
        }
    }

    private enum Method { GET, HEAD }

    private HttpRequest request(URI uri, Method method, long rangeStart, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("User-Agent", "gner-spark; java/" + Runtime.version().feature())
                .header("Accept-Encoding", "identity"); // sizes and ranges must refer to the stored bytes
        if (method == Method.HEAD) {
            b.method("HEAD", HttpRequest.BodyPublishers.noBody());
        } else {
            b.GET();
        }
        if (rangeStart > 0) {
            b.header("Range", "bytes=" + rangeStart + "-");
        }
        if (token != null && sameOrigin(uri, endpoint)) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while talking to " + shown(request.uri()));
        } catch (IOException e) {
            throw new HubUnreachableException("could not reach " + shown(request.uri()) + " (" + scrub(e.toString())
                    + ")", e);
        }
    }

    private IOException accessDenied(HubRepoId id, URI url, HttpResponse<?> response) {
        String why = token == null
                ? "no token was sent: if the repository is private or gated, set HF_TOKEN (or"
                        + " HUGGING_FACE_HUB_TOKEN) to a token with read access"
                : "the token from HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) was sent but grants no access; for a gated"
                        + " repository accept its terms on the hub first";
        return new IOException("HTTP " + response.statusCode() + " from " + shown(url) + ": access to " + id.repoId()
                + " denied (the repository may be private, gated or missing); " + why + serverMessage(response));
    }

    private String serverMessage(HttpResponse<?> response) {
        return response.headers().firstValue("X-Error-Message").map(m -> ": " + scrub(m)).orElse("");
    }

    /** Belt and braces: whatever a server or library echoes, the token never reaches a message. */
    private String scrub(String text) {
        return token == null || text == null ? text : text.replace(token, "<HF_TOKEN>");
    }

    private static void addWithHistory(List<HttpResponse<Void>> hops, HttpResponse<Void> response) {
        // A client that follows redirects itself keeps the hub's own answer in previousResponse().
        List<HttpResponse<Void>> chain = new ArrayList<>();
        for (Optional<HttpResponse<Void>> r = Optional.of(response); r.isPresent(); r = r.get().previousResponse()) {
            chain.add(0, r.get());
        }
        hops.addAll(chain);
    }

    private static URI redirectTarget(HttpResponse<?> response) {
        if (!isRedirect(response.statusCode())) {
            return null;
        }
        return response.headers().firstValue("Location").map(loc -> response.uri().resolve(loc)).orElse(null);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static long rangeStart(HttpResponse<?> response) {
        // Content-Range: bytes <start>-<end>/<total>
        String range = response.headers().firstValue("Content-Range").orElse("");
        try {
            String spec = range.trim().substring("bytes ".length());
            return Long.parseLong(spec.substring(0, spec.indexOf('-')).trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** A URL fit for messages: no user info, no query (CDN URLs carry signatures there), no fragment. */
    static String shown(URI u) {
        String port = u.getPort() >= 0 ? ":" + u.getPort() : "";
        return u.getScheme() + "://" + u.getHost() + port + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.split("/")) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(encode(part));
        }
        return b.toString();
    }
}
