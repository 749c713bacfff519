package org.gner.model.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.gner.model.CheckpointFiles;

/**
 * Turns what a user passes as "the model" into a local folder in HF layout (config.json,
 * tokenizer.json, safetensors weights, optional tokenizer/generation configs).
 *
 * <p>An existing folder is used as it is. Otherwise the text is a hub id {@code org/name[@revision]},
 * looked up in the standard Hugging Face cache ({@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
 * {@code ~/.cache/huggingface/hub}), so models Python users downloaded are reused. A snapshot that
 * already holds everything is used without asking the hub; otherwise the missing files are
 * downloaded from {@code HF_ENDPOINT} (default https://huggingface.co) into the same layout
 * huggingface_hub writes. {@code HF_HUB_OFFLINE=1} forbids any network access.
 *
 * <p>The environment and the HTTP client are injected, so tests use a temp cache and a loopback hub.
 */
public final class ModelLocator {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    private final Map<String, String> env;
    private final HttpClient http;
    private final PrintStream log;

    public ModelLocator(Map<String, String> env, HttpClient http) {
        this(env, http, System.err);
    }

    /** @param log where download progress and notes go (stderr by default) */
    public ModelLocator(Map<String, String> env, HttpClient http, PrintStream log) {
        this.env = Map.copyOf(env);
        this.http = Objects.requireNonNull(http);
        this.log = Objects.requireNonNull(log);
    }

    public static ModelLocator fromSystem() {
        return new ModelLocator(System.getenv(), newHttpClient());
    }

    /** The client {@link #fromSystem()} uses. Redirects are followed by the locator, which drops the token when leaving the hub. */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The model folder for a local path or a hub id; downloads what the cache lacks unless offline. */
    public Path resolve(String modelIdOrPath) throws IOException {
        String text = Objects.requireNonNull(modelIdOrPath, "model").trim();
        Optional<Path> local = asPath(text);
        if (local.isPresent() && Files.isDirectory(local.get())) {
            return checkLocalFolder(local.get().toAbsolutePath().normalize());
        }
        Optional<HubRepoId> id = HubRepoId.parse(text);
        if (id.isEmpty()) {
            String what = local.isPresent() && Files.exists(local.get())
                    ? " is a file: pass the folder that holds config.json"
                    : " is neither an existing model folder nor a Hugging Face hub id (org/name or org/name@revision)";
            throw new IOException("'" + text + "'" + what);
        }
        return resolveHub(id.get());
    }

    /** Where hub snapshots are cached, following huggingface_hub's environment variables. */
    public Path hubCacheRoot() {
        Optional<String> hub = env("HF_HUB_CACHE").or(() -> env("HUGGINGFACE_HUB_CACHE"));
        if (hub.isPresent()) {
            return expandHome(hub.get());
        }
        Optional<String> hfHome = env("HF_HOME");
        if (hfHome.isPresent()) {
            return expandHome(hfHome.get()).resolve("hub");
        }
        Path cache = env("XDG_CACHE_HOME").map(this::expandHome).orElse(home().resolve(".cache"));
        return cache.resolve("huggingface").resolve("hub");
    }

    public boolean offline() {
        return env("HF_HUB_OFFLINE").map(v -> TRUE.contains(v.trim().toUpperCase(Locale.ROOT))).orElse(false);
    }

    private Path checkLocalFolder(Path dir) throws IOException {
        ModelFolder folder = ModelFolder.inspect(dir, file -> true);
        if (folder.usable()) {
            return dir;
        }
        if (folder.missingRequired().isEmpty() && folder.pickleOnly()) {
            throw new IOException(CheckpointFiles.pickleRefusal(dir));
        }
        throw new IOException("model folder " + dir + " lacks " + String.join(", ", folder.missing())
                + (folder.pickleOnly() ? ". " + CheckpointFiles.pickleRefusal(dir) : ""));
    }

    private Path resolveHub(HubRepoId id) throws IOException {
        HubCache cache = new HubCache(hubCacheRoot(), id);
        Optional<String> commit = cache.cachedCommit();
        ModelFolder cached = null;
        if (commit.isPresent()) {
            String c = commit.get();
            cached = ModelFolder.inspect(cache.snapshotDir(c), file -> cache.knownMissing(c, file));
            if (cached.complete()) {
                return cached.dir();
            }
        }
        if (offline()) {
            if (cached != null && cached.usable()) {
                return cached.dir();
            }
            throw notCached(cache, commit, cached, "HF_HUB_OFFLINE is set, so nothing is downloaded");
        }
        try {
            return new HubSnapshotDownload(cache, hubClient()).run();
        } catch (HubUnreachableException e) {
            if (cached != null && cached.usable()) {
                log.println("note: " + e.getMessage() + "; using the cached snapshot " + cached.dir()
                        + " without " + String.join(", ", cached.unknownOptional()));
                return cached.dir();
            }
            throw notCached(cache, commit, cached, e.getMessage());
        }
    }

    private IOException notCached(HubCache cache, Optional<String> commit, ModelFolder cached, String why) {
        HubRepoId id = cache.id();
        List<String> lines = new ArrayList<>();
        lines.add(id + " is not fully in the Hugging Face cache, and " + why + ".");
        if (commit.isEmpty()) {
            lines.add("  missing: " + cache.refFile(id.revision()) + " (revision " + id.revision()
                    + " was never downloaded into this cache)");
            lines.add("  needed in " + cache.repoDir().resolve("snapshots").resolve("<commit>") + ": "
                    + String.join(", ", ModelFolder.REQUIRED) + ", " + ModelFolder.WEIGHTS_EITHER);
        } else {
            for (String file : cached.missing()) {
                lines.add("  missing: " + cached.dir().resolve(file));
            }
            if (cached.pickleOnly()) {
                lines.add("  " + CheckpointFiles.pickleRefusal(cached.dir()));
            }
        }
        lines.add("  cache: " + cache.root() + " (set by HF_HUB_CACHE, HF_HOME or ~/.cache/huggingface/hub);"
                + " a local folder path also works");
        return new IOException(String.join(System.lineSeparator(), lines));
    }

    private HubClient hubClient() throws IOException {
        String text = env("HF_ENDPOINT").orElse(DEFAULT_ENDPOINT);
        URI endpoint;
        try {
            endpoint = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("HF_ENDPOINT is not a URL", e);
        }
        String scheme = endpoint.getScheme();
        if (endpoint.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IOException("HF_ENDPOINT must be an http(s) URL such as " + DEFAULT_ENDPOINT);
        }
        String token = env("HF_TOKEN").or(() -> env("HUGGING_FACE_HUB_TOKEN")).orElse(null);
        return new HubClient(http, endpoint, token, log);
    }

    private Optional<String> env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    private Path home() {
        return Path.of(env("HOME").orElse(System.getProperty("user.home")));
    }

    private Path expandHome(String path) {
        if (path.equals("~")) {
            return home();
        }
        if (path.startsWith("~/")) {
            return home().resolve(path.substring(2));
        }
        return Path.of(path);
    }

    private static Optional<Path> asPath(String text) {
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
