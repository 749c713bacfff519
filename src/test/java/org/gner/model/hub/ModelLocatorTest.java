package org.gner.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.gner.model.CheckpointFiles;
import org.gner.model.ModelConfigs;
import org.gner.model.ModelTokenizer;
import org.gner.model.hub.FakeHub.Request;
import org.gner.model.weights.SafetensorsWriter;
import org.gner.model.weights.TensorData;
import org.gner.model.weights.TensorDtype;
import org.gner.model.weights.WeightStore;
import org.gner.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    private static final String TOKEN = "hf_TestTokenThatMustNeverBePrinted42";
    private static final String COMMIT = FakeHub.COMMIT;

    @TempDir
    Path tmp;

    private FakeHub hub;
    private Path cache;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private byte[] config;
    private byte[] tokenizer;
    private byte[] tokenizerConfig;
    private byte[] weights;

    @BeforeEach
    void serveTinyCheckpoint() throws IOException {
        hub = new FakeHub();
        cache = tmp.resolve("hub-cache");
        config = "{\"model_type\":\"t5\",\"d_model\":4,\"vocab_size\":32128}".getBytes(StandardCharsets.UTF_8);
        tokenizer = Files.readAllBytes(SharedData.flanT5Tokenizer());
        tokenizerConfig = Files.readAllBytes(SharedData.flanT5Tokenizer().resolveSibling("tokenizer_config.json"));
        weights = safetensors(tmp.resolve("written"), 3000);
        hub.put("org/tiny", "config.json", config, false);
        hub.put("org/tiny", "tokenizer.json", tokenizer, true);
        hub.put("org/tiny", "tokenizer_config.json", tokenizerConfig, false);
        hub.put("org/tiny", "model.safetensors", weights, true);
    }

    @AfterEach
    void stopServer() {
        hub.close();
    }

    @Test
    void downloadsIntoTheHfCacheLayoutAndThenNeedsNoNetwork() throws IOException {
        Path dir = locator(env()).resolve("org/tiny");

        Path repo = cache.resolve("models--org--tiny");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), dir);
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")));
        assertLinkedBlob(dir, "config.json", FakeHub.gitSha1(config), config);
        assertLinkedBlob(dir, "tokenizer_config.json", FakeHub.gitSha1(tokenizerConfig), tokenizerConfig);
        assertLinkedBlob(dir, "tokenizer.json", FakeHub.sha256(tokenizer), tokenizer);
        assertLinkedBlob(dir, "model.safetensors", FakeHub.sha256(weights), weights);
        // optional files the hub lacks (404) are fine, and remembered as huggingface_hub does
        assertFalse(Files.exists(dir.resolve("generation_config.json")));
        assertTrue(Files.exists(repo.resolve(".no_exist").resolve(COMMIT).resolve("generation_config.json")));
        assertTrue(Files.exists(repo.resolve(".no_exist").resolve(COMMIT).resolve("special_tokens_map.json")));
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
        // the LFS files came from the CDN after the hub's redirect
        assertEquals(2, count(r -> r.server().equals("cdn") && r.method().equals("GET")));
        assertTrue(logText().contains("Downloading org/tiny/model.safetensors"), logText());

        // what was downloaded is what the rest of the project loads
        assertEquals("t5", ModelConfigs.modelType(dir));
        assertEquals(List.of("w"), List.copyOf(WeightStore.open(dir).names()));
        try (ModelTokenizer t = ModelTokenizer.load(dir)) {
            assertEquals("Hello world.", t.decode(t.encode("Hello world .")));
        }

        int before = hub.requests().size();
        assertEquals(dir, locator(env()).resolve("org/tiny"));
        assertEquals(before, hub.requests().size(), "a complete snapshot must not touch the network");
    }

    @Test
    void resumesAPartialBlobWithARangeRequest() throws IOException {
        String sha = FakeHub.sha256(weights);
        Path blobs = Files.createDirectories(cache.resolve("models--org--tiny/blobs"));
        Files.write(blobs.resolve(sha + ".incomplete"), java.util.Arrays.copyOf(weights, 1000));

        Path dir = locator(env()).resolve("org/tiny");

        Request get = only(r -> r.server().equals("cdn") && r.path().endsWith(sha) && r.method().equals("GET"));
        assertEquals("bytes=1000-", get.header("Range"));
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(blobs.resolve(sha + ".incomplete")));
        assertTrue(logText().contains("resuming at"), logText());
    }

    @Test
    void anInterruptedDownloadIsResumedByTheNextRun() throws IOException {
        hub.put("org/tiny", "tokenizer.json", tokenizer, false); // only the weights go through the CDN
        hub.dropNextCdnDownloadAfter(1200);
        IOException e = assertThrows(IOException.class, () -> locator(env()).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("resume"), e.getMessage());
        Path partial = cache.resolve("models--org--tiny/blobs/" + FakeHub.sha256(weights) + ".incomplete");
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept < weights.length, "partial file holds " + kept + " bytes");

        Path dir = locator(env()).resolve("org/tiny");

        List<Request> gets = hub.requests().stream()
                .filter(r -> r.server().equals("cdn") && r.method().equals("GET")).toList();
        assertEquals("bytes=" + kept + "-", gets.get(gets.size() - 1).header("Range"));
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    }

    @Test
    void concurrentResolvesDownloadEachBlobOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> locator(env()).resolve("org/tiny")));
            }
            for (Future<Path> r : results) {
                assertEquals(cache.resolve("models--org--tiny/snapshots").resolve(COMMIT), r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count(r -> r.method().equals("GET") && r.path().endsWith(FakeHub.sha256(weights))));
        assertArrayEquals(weights, Files.readAllBytes(
                cache.resolve("models--org--tiny/snapshots").resolve(COMMIT).resolve("model.safetensors")));
    }

    @Test
    void theTokenReachesTheHubButNeverTheCdnOrAnyMessage() throws IOException {
        hub.requireToken(TOKEN);
        Map<String, String> env = env();
        env.put("HF_TOKEN", TOKEN);
        locator(env).resolve("org/tiny");

        List<Request> requests = hub.requests();
        assertTrue(requests.stream().filter(r -> r.server().equals("hub"))
                .allMatch(r -> ("Bearer " + TOKEN).equals(r.header("Authorization"))));
        assertTrue(requests.stream().filter(r -> r.server().equals("cdn")).allMatch(r -> r.header("Authorization") == null),
                "the pre-signed CDN URL must not get the token");
        assertFalse(logText().contains(TOKEN));
        assertFalse(logText().contains("s3cr3t"), "signed CDN queries stay out of the log");

        // a token without access: the error explains HF_TOKEN and shows no token
        Map<String, String> wrong = env();
        wrong.put("HF_HUB_CACHE", tmp.resolve("other-cache").toString());
        wrong.put("HUGGING_FACE_HUB_TOKEN", TOKEN + "x");
        IOException e = assertThrows(IOException.class, () -> locator(wrong).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertEquals(("Bearer " + TOKEN + "x"), hub.requests().get(hub.requests().size() - 1).header("Authorization"));

        // no token at all
        Map<String, String> none = env();
        none.put("HF_HUB_CACHE", tmp.resolve("third-cache").toString());
        e = assertThrows(IOException.class, () -> locator(none).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("set HF_TOKEN"), e.getMessage());
        assertFalse(logText().contains(TOKEN));
    }

    @Test
    void offlineWithAnEmptyCacheNamesTheMissingFilesAndWhereItLooked() {
        Map<String, String> env = env();
        env.put("HF_HUB_OFFLINE", "1");
        IOException e = assertThrows(IOException.class, () -> locator(env).resolve("org/tiny@v1.0"));
        String m = e.getMessage();
        Path repo = cache.resolve("models--org--tiny");
        assertTrue(m.contains("HF_HUB_OFFLINE"), m);
        assertTrue(m.contains(repo.resolve("refs").resolve("v1.0").toString()), m);
        assertTrue(m.contains(repo.resolve("snapshots").toString()), m);
        assertTrue(m.contains("config.json") && m.contains("tokenizer.json") && m.contains("model.safetensors"), m);
        assertEquals(0, hub.requests().size());
    }

    @Test
    void offlineWithAPartialSnapshotListsTheExactMissingPaths() throws IOException {
        Path snapshot = Files.createDirectories(cache.resolve("models--org--tiny/snapshots").resolve(COMMIT));
        Files.createDirectories(cache.resolve("models--org--tiny/refs"));
        Files.writeString(cache.resolve("models--org--tiny/refs/main"), COMMIT);
        Files.write(snapshot.resolve("config.json"), config);
        Map<String, String> env = env();
        env.put("HF_HUB_OFFLINE", "true");
        IOException e = assertThrows(IOException.class, () -> locator(env).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("missing: " + snapshot.resolve("tokenizer.json")), e.getMessage());
        assertTrue(e.getMessage().contains("missing: " + snapshot.resolve(CheckpointFiles.INDEX_FILE)), e.getMessage());
        assertFalse(e.getMessage().contains("missing: " + snapshot.resolve("config.json")), e.getMessage());
        assertEquals(0, hub.requests().size());
    }

    @Test
    void aPythonStyleCacheOfSymlinksIntoBlobsIsReused() throws IOException {
        Path repo = cache.resolve("models--org--tiny");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        for (Map.Entry<String, byte[]> f : Map.of("config.json", config, "tokenizer.json", tokenizer,
                "model.safetensors", weights).entrySet()) {
            String etag = f.getKey().equals("config.json") ? FakeHub.gitSha1(f.getValue()) : FakeHub.sha256(f.getValue());
            Files.write(repo.resolve("blobs").resolve(etag), f.getValue());
            Files.createSymbolicLink(snapshot.resolve(f.getKey()), Path.of("../../blobs").resolve(etag));
        }
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        Path dir = locator(offline).resolve("org/tiny");
        assertEquals(snapshot, dir);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals(0, hub.requests().size());

        // online but the hub is unreachable: the usable snapshot is used, with a note
        Map<String, String> unreachable = env();
        unreachable.put("HF_ENDPOINT", "http://127.0.0.1:" + closedPort());
        assertEquals(snapshot, locator(unreachable).resolve("org/tiny"));
        assertTrue(logText().contains("could not reach"), logText());
    }

    @Test
    void anUnreachableHubWithAnEmptyCacheExplainsBoth() throws IOException {
        Map<String, String> env = env();
        env.put("HF_ENDPOINT", "http://127.0.0.1:" + closedPort());
        IOException e = assertThrows(IOException.class, () -> locator(env).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("could not reach"), e.getMessage());
        assertTrue(e.getMessage().contains(cache.resolve("models--org--tiny/refs/main").toString()), e.getMessage());
    }

    @Test
    void serverErrorsNameTheUrlAndStatus() {
        hub.failWith("tokenizer.json", 500);
        IOException e = assertThrows(IOException.class, () -> locator(env()).resolve("org/tiny"));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        assertTrue(e.getMessage().contains(hub.endpoint() + "/org/tiny/resolve/" + COMMIT + "/tokenizer.json"),
                e.getMessage());
    }

    @Test
    void aRequiredFileTheHubLacksIsNamed() {
        hub.put("org/notok", "config.json", config, false);
        hub.put("org/notok", "model.safetensors", weights, true);
        IOException e = assertThrows(IOException.class, () -> locator(env()).resolve("org/notok"));
        assertTrue(e.getMessage().contains("org/notok@main has no tokenizer.json"), e.getMessage());
        IOException missingRepo = assertThrows(IOException.class, () -> locator(env()).resolve("org/nothing"));
        assertTrue(missingRepo.getMessage().contains("RepoNotFound"), missingRepo.getMessage());
    }

    @Test
    void aShardedCheckpointBringsEveryShard() throws IOException {
        byte[] shard1 = safetensors(tmp.resolve("s1"), 10);
        byte[] shard2 = safetensors(tmp.resolve("s2"), 20);
        byte[] index = ("{\"metadata\":{},\"weight_map\":{\"w\":\"model-00001-of-00002.safetensors\","
                + "\"v\":\"model-00002-of-00002.safetensors\"}}").getBytes(StandardCharsets.UTF_8);
        hub.put("org/sharded", "config.json", config, false);
        hub.put("org/sharded", "tokenizer.json", tokenizer, true);
        hub.put("org/sharded", CheckpointFiles.INDEX_FILE, index, false);
        hub.put("org/sharded", "model-00001-of-00002.safetensors", shard1, true);
        hub.put("org/sharded", "model-00002-of-00002.safetensors", shard2, true);
        Path dir = locator(env()).resolve("org/sharded");
        assertArrayEquals(shard1, Files.readAllBytes(dir.resolve("model-00001-of-00002.safetensors")));
        assertArrayEquals(shard2, Files.readAllBytes(dir.resolve("model-00002-of-00002.safetensors")));
        assertFalse(Files.exists(dir.resolve(CheckpointFiles.SINGLE_FILE)));
    }

    @Test
    void aPickleOnlyRepositoryIsRefusedWithoutDownloadingIt() {
        hub.put("org/pickled", "config.json", config, false);
        hub.put("org/pickled", "tokenizer.json", tokenizer, true);
        hub.put("org/pickled", "pytorch_model.bin", new byte[] {(byte) 0x80, 2}, true);
        IOException e = assertThrows(IOException.class, () -> locator(env()).resolve("org/pickled"));
        assertTrue(e.getMessage().contains("pickle") && e.getMessage().contains("safe_serialization"), e.getMessage());
        assertEquals(0, count(r -> r.method().equals("GET") && r.path().endsWith("pytorch_model.bin")));
    }

    @Test
    void aClientThatFollowsRedirectsItselfWorksToo() throws IOException {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        Path dir = new ModelLocator(env(), following, log).resolve("org/tiny@" + COMMIT);
        assertEquals(cache.resolve("models--org--tiny/snapshots").resolve(COMMIT), dir);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(cache.resolve("models--org--tiny/refs")), "a commit revision writes no ref");
    }

    @Test
    void localFoldersAreUsedAsTheyAreOrExplainWhatIsMissing() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("org/tiny"));
        ModelLocator locator = locator(env());
        IOException e = assertThrows(IOException.class, () -> locator.resolve(model.toString()));
        assertTrue(e.getMessage().contains("config.json, tokenizer.json, " + ModelFolder.WEIGHTS_EITHER),
                e.getMessage());

        Files.write(model.resolve("config.json"), config);
        Files.write(model.resolve("tokenizer.json"), tokenizer);
        Files.write(model.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80});
        e = assertThrows(IOException.class, () -> locator.resolve(model.toString()));
        assertTrue(e.getMessage().contains("pickle"), e.getMessage());

        Files.write(model.resolve(CheckpointFiles.SINGLE_FILE), weights);
        assertEquals(model, locator.resolve(model.toString()));
        assertEquals(0, hub.requests().size(), "an existing folder wins over a hub id");

        e = assertThrows(IOException.class, () -> locator.resolve(model.resolve("config.json").toString()));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        e = assertThrows(IOException.class, () -> locator.resolve("/no/such/model/dir"));
        assertTrue(e.getMessage().contains("neither an existing model folder nor a Hugging Face hub id"),
                e.getMessage());
    }

    @Test
    void cacheLocationFollowsHuggingFaceHubVariables() {
        Map<String, String> env = new HashMap<>(Map.of("HOME", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), locator(env).hubCacheRoot());
        env.put("XDG_CACHE_HOME", "/xdg");
        assertEquals(Path.of("/xdg/huggingface/hub"), locator(env).hubCacheRoot());
        env.put("HF_HOME", "~/hf");
        assertEquals(Path.of("/home/u/hf/hub"), locator(env).hubCacheRoot());
        env.put("HF_HUB_CACHE", "/fast/hub");
        assertEquals(Path.of("/fast/hub"), locator(env).hubCacheRoot());
        assertFalse(locator(env).offline());
        env.put("HF_HUB_OFFLINE", "yes");
        assertTrue(locator(env).offline());
    }

    @Test
    void hubIdsAndRevisions() {
        assertEquals(new HubRepoId("dyyyyyyyy", "GNER-T5-base", "main"), HubRepoId.parse("dyyyyyyyy/GNER-T5-base").get());
        assertEquals("refs/pr/1", HubRepoId.parse("org/name@refs/pr/1").get().revision());
        assertTrue(HubRepoId.parse("org/name@" + COMMIT).get().revisionIsCommit());
        for (String bad : List.of("name", "a/b/c", "org/../x", "org/name@", "org/name@../x", "/abs/path", "org/na me")) {
            assertTrue(HubRepoId.parse(bad).isEmpty(), bad);
        }
        HubClient client = new HubClient(HttpClient.newHttpClient(), java.net.URI.create("https://hf.example/"), null, log);
        assertEquals("https://hf.example/org/name/resolve/refs%2Fpr%2F1/config.json",
                client.fileUrl(HubRepoId.parse("org/name@refs/pr/1").get(), "refs/pr/1", "config.json").toString());
        assertEquals("abc", HubFileInfo.normalizeEtag("W/\"abc\""));
    }

    private ModelLocator locator(Map<String, String> env) {
        return new ModelLocator(env, ModelLocator.newHttpClient(), log);
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("HOME", tmp.resolve("home").toString()); // nothing may fall back to the real ~/.cache
        return env;
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private long count(java.util.function.Predicate<Request> filter) {
        return hub.requests().stream().filter(filter).count();
    }

    private Request only(java.util.function.Predicate<Request> filter) {
        List<Request> matching = hub.requests().stream().filter(filter).toList();
        assertEquals(1, matching.size(), matching.toString());
        return matching.get(0);
    }

    private void assertLinkedBlob(Path dir, String file, String etag, byte[] content) throws IOException {
        Path entry = dir.resolve(file);
        assertTrue(Files.isSymbolicLink(entry), file + " should be a symlink into blobs/");
        assertEquals(Path.of("../../blobs").resolve(etag), Files.readSymbolicLink(entry));
        assertArrayEquals(content, Files.readAllBytes(entry));
    }

    /** A small fp32 safetensors file, written by the project's own writer. */
    private static byte[] safetensors(Path dir, int values) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer data = ByteBuffer.allocate(values * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values; i++) {
            data.putFloat(i * 0.5f);
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", new TensorData(TensorDtype.F32, new long[] {values}, data.array()));
        Path file = dir.resolve(CheckpointFiles.SINGLE_FILE);
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        return Files.readAllBytes(file);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
