package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Await;
import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reference guide 002's gRPC proxy: {@code etcd grpc-proxy start} (here {@code bin/cairn grpc-proxy start}) in front
 * of a member of its own kind, side by side with etcd's, same assertions on etcdctl's and curl's outputs: requests
 * pass while one listed endpoint is dead; a member error comes back as etcdctl prints it directly; --namespace (the
 * guide's example, watch and txn); --resolver-prefix registrations and the member list; TLS towards an https member
 * with client certificates and on the proxy's own listener; /health and /metrics on both addresses; lease keep-alives
 * from concurrent client streams (coalesced onto one member stream) and for an unknown lease.
 */
class GrpcProxyTest {
    private static final String COMPACTED = "Error: etcdserver: mvcc: required revision has been compacted\n";

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void forwardsPastADeadEndpointAndServesHealthAndMetrics(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "forward", kind);
        int[] ports = ServerProcess.freePorts(5);
        int proxyPort = ports[2];
        int metricsPort = ports[3];
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start();
             ProxyProcess proxy = proxy(kind, dir, "p1", "--endpoints=127.0.0.1:" + ports[4] + ",127.0.0.1:" + ports[0],
                     "--listen-addr=127.0.0.1:" + proxyPort, "--advertise-client-url=127.0.0.1:" + proxyPort,
                     "--metrics-addr=http://127.0.0.1:" + metricsPort)) {
            Etcdctl ctl = new Etcdctl("127.0.0.1:" + proxyPort, dir.resolve("work"));
            Etcdctl direct = new Etcdctl(member.endpoint(), dir.resolve("work"));
            for (int i = 0; i < 3; i++) {
                assertEquals("OK\n", ctl.run("put", "k" + i, "v" + i).ok().stdout());
            }
            assertEquals("k0\nv0\nk1\nv1\nk2\nv2\n", ctl.run("get", "k", "--prefix").ok().stdout());
            assertEquals("v2\n", direct.run("get", "k2", "--print-value-only").ok().stdout());
            assertEquals("locked\n", ctl.run("lock", "l1", "echo", "locked").ok().stdout());

            // a member's error, as etcdctl prints it when talking to the member itself
            direct.run("compact", "3").ok();
            Etcdctl.Result viaProxy = ctl.run("get", "k0", "--rev=1");
            Etcdctl.Result viaMember = direct.run("get", "k0", "--rev=1");
            assertEquals(viaMember.exitCode(), viaProxy.exitCode());
            assertTrue(viaMember.stderr().endsWith(COMPACTED), viaMember.stderr());
            assertTrue(viaProxy.stderr().endsWith(COMPACTED), viaProxy.stderr());
            assertEquals(direct.run("lease", "timetolive", "1234").stdout(),
                    ctl.run("lease", "timetolive", "1234").stdout());

            // no --resolver-prefix: the member list is the proxy itself
            List<String> rows = memberRows(ctl);
            assertEquals(List.of("| 0 | started | HOST | | 127.0.0.1:" + proxyPort + " | false |"), rows);

            for (int port : new int[] {proxyPort, metricsPort}) {
                HttpResponse<String> health = get("http://127.0.0.1:" + port + "/health");
                assertEquals(200, health.statusCode());
                assertEquals("{\"health\":\"true\"}", health.body());
                // /metrics is the member's own text (etcd's grpcproxy.HandleMetrics)
                HttpResponse<String> metrics = get("http://127.0.0.1:" + port + "/metrics");
                HttpResponse<String> own = get(member.clientUrl() + "/metrics");
                if (kind == ServerProcess.Kind.ETCD && metrics.statusCode() == 500) {
                    // etcd's proxy fetches from one endpoint picked at random at start: here, maybe the dead one
                    assertEquals("Internal server error\n", metrics.body());
                    continue;
                }
                assertEquals(own.statusCode(), metrics.statusCode());
                assertEquals(metricFamilies(own.body()), metricFamilies(metrics.body()));
            }
            assertEquals(404, get("http://127.0.0.1:" + proxyPort + "/nothing").statusCode());

            member.kill9();
            Await.await("unhealthy without a member", Duration.ofSeconds(30), () -> {
                HttpResponse<String> health = get("http://127.0.0.1:" + proxyPort + "/health");
                return health.statusCode() == 503 && health.body().equals("{\"health\":\"false\"}\n") ? null
                        : health.statusCode() + " " + health.body();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void namespacesKeysWatchesAndTxns(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "namespace", kind);
        int[] ports = ServerProcess.freePorts(3);
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start();
             ProxyProcess proxy = proxy(kind, dir, "p1", "--endpoints=127.0.0.1:" + ports[0],
                     "--listen-addr=127.0.0.1:" + ports[2], "--namespace=my-prefix/")) {
            Etcdctl ctl = new Etcdctl("127.0.0.1:" + ports[2], dir.resolve("work"));
            Etcdctl direct = new Etcdctl(member.endpoint(), dir.resolve("work"));
            // the guide's example
            assertEquals("OK\n", ctl.run("put", "my-key", "abc").ok().stdout());
            assertEquals("my-prefix/my-key\nabc\n", direct.run("get", "my-prefix/my-key").ok().stdout());
            assertEquals("my-key\nabc\n", ctl.run("get", "my-key").ok().stdout());
            direct.run("put", "outside", "x").ok();
            assertEquals("my-key\n\n", ctl.run("get", "", "--prefix", "--keys-only").ok().stdout());
            assertEquals("my-key\n\n", ctl.run("get", "a", "--from-key", "--keys-only").ok().stdout());

            try (Etcdctl.Background watch = ctl.start("watch", "watch", "w", "--prefix", "--prev-kv")) {
                Await.await("watch through the proxy", Duration.ofSeconds(30), () -> {
                    direct.run("put", "my-prefix/w1", "x" + System.nanoTime()).ok();
                    return watch.stdout().contains("PUT\nw1\n") ? null : watch.stdout() + watch.stderr();
                });
                assertTrue(!watch.stdout().contains("my-prefix/"), watch.stdout());
            }

            Etcdctl.Result txn = ctl.runWithStdin("value(\"my-key\") = \"abc\"\n\nput t1 yes\nget my-key\n\nput t1 no\n\n",
                    "txn");
            assertEquals("SUCCESS\n\nOK\n\nmy-key\nabc\n", txn.ok().stdout());
            assertEquals("yes\n", direct.run("get", "my-prefix/t1", "--print-value-only").ok().stdout());
            assertEquals("", direct.run("get", "t1").ok().stdout());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void keepsLeasesAliveFromConcurrentStreams(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "keepalive", kind);
        int[] ports = ServerProcess.freePorts(3);
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start();
             ProxyProcess proxy = proxy(kind, dir, "p1", "--endpoints=127.0.0.1:" + ports[0],
                     "--listen-addr=127.0.0.1:" + ports[2])) {
            Etcdctl ctl = new Etcdctl("127.0.0.1:" + ports[2], dir.resolve("work"));
            Etcdctl direct = new Etcdctl(member.endpoint(), dir.resolve("work"));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ids.add(ctl.run("lease", "grant", "60").ok().stdout().split(" ")[1]);
            }
            // two client streams at once (etcd's proxy and Cairn's put both on one member stream), then one-shot ones
            try (Etcdctl.Background a = ctl.start("keepalive-a", "lease", "keep-alive", ids.get(0));
                 Etcdctl.Background b = ctl.start("keepalive-b", "lease", "keep-alive", ids.get(1))) {
                for (Etcdctl.Background stream : List.of(a, b)) {
                    String want = "lease " + ids.get(stream == a ? 0 : 1) + " keepalived with TTL(60)\n";
                    Await.await("keep-alive through the proxy", Duration.ofSeconds(30),
                            () -> stream.stdout().startsWith(want) ? null : stream.stdout() + stream.stderr());
                }
                for (String id : ids) {
                    assertEquals("lease " + id + " keepalived with TTL(60)\n",
                            ctl.run("lease", "keep-alive", "--once", id).ok().stdout());
                    String ttl = direct.run("lease", "timetolive", id).ok().stdout();
                    String refreshed = "lease " + id + " granted with TTL\\(60s\\), remaining\\((5\\d|60)s\\)\n";
                    assertTrue(ttl.matches(refreshed), ttl);
                }
            }
            // an unknown lease: the member's TTL <= 0 answer, as etcdctl prints it talking to the member itself
            Etcdctl.Result viaProxy = ctl.run("lease", "keep-alive", "--once", "1234");
            Etcdctl.Result viaMember = direct.run("lease", "keep-alive", "--once", "1234");
            assertEquals(viaMember.exitCode(), viaProxy.exitCode());
            assertEquals(viaMember.stdout(), viaProxy.stdout());
            assertEquals(lastLine(viaMember.stderr()), lastLine(viaProxy.stderr()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void registersUnderTheResolverPrefix(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "resolver", kind);
        int[] ports = ServerProcess.freePorts(5);
        String endpoints = "--endpoints=127.0.0.1:" + ports[0];
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start();
             ProxyProcess a = proxy(kind, dir, "a", endpoints, "--listen-addr=127.0.0.1:" + ports[2],
                     "--advertise-client-url=127.0.0.1:" + ports[2], "--resolver-prefix=___grpc_proxy_endpoint",
                     "--resolver-ttl=60");
             ProxyProcess b = proxy(kind, dir, "b", endpoints, "--listen-addr=127.0.0.1:" + ports[3],
                     "--advertise-client-url=127.0.0.1:" + ports[3], "--resolver-prefix=___grpc_proxy_endpoint",
                     "--resolver-ttl=60");
             ProxyProcess alone = proxy(kind, dir, "alone", endpoints, "--listen-addr=127.0.0.1:" + ports[4],
                     "--advertise-client-url=127.0.0.1:" + ports[4])) {
            Etcdctl direct = new Etcdctl(member.endpoint(), dir.resolve("work"));
            String host = Commands.run(dir, Duration.ofSeconds(10), List.of("hostname")).stdout().strip();
            Await.await("both registered", Duration.ofSeconds(30), () -> {
                String got = direct.run("get", "--prefix", "___grpc_proxy_endpoint").ok().stdout();
                String want = registration(ports[2], host) + registration(ports[3], host);
                return got.equals(want) ? null : got;
            });
            a.awaitLog("grpcproxy: registered \"127.0.0.1:" + ports[2] + "\" with 60-second lease");
            List<String> both = List.of(
                    "| 0 | started | HOST | | 127.0.0.1:" + ports[2] + " | false |",
                    "| 0 | started | HOST | | 127.0.0.1:" + ports[3] + " | false |");
            assertEquals(both, memberRows(new Etcdctl("127.0.0.1:" + ports[2], dir.resolve("work"))).stream()
                    .sorted().toList());
            assertEquals(List.of("| 0 | started | HOST | | 127.0.0.1:" + ports[4] + " | false |"),
                    memberRows(new Etcdctl("127.0.0.1:" + ports[4], dir.resolve("work"))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void terminatesTls(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "tls", kind);
        Path pki = dir.resolve("pki");
        TestPki.create(pki);
        TestPki.createWithoutCommonName(pki);
        int[] ports = ServerProcess.freePorts(5);
        String memberUrl = "https://127.0.0.1:" + ports[0];
        Path data = dir.resolve("m1").resolve("data");
        Files.createDirectories(data.getParent());
        String ca = pki.resolve("ca.pem").toString();
        // etcd's proxy refuses certificates with a Common Name ("cert has non empty Common Name (etcd-client)")
        String clientCert = pki.resolve("proxy-client.pem").toString();
        String clientKey = pki.resolve("proxy-client-key.pem").toString();
        try (ServerProcess member = ServerProcess.withFlags(kind, "m1", data,
                dir.resolve("m1").resolve("member.log"),
                ports[0], ports[1], List.of("--name", "m1", "--data-dir", data.toString(),
                        "--listen-client-urls", memberUrl, "--advertise-client-urls", memberUrl,
                        "--listen-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-cluster", "m1=http://127.0.0.1:" + ports[1],
                        "--cert-file=" + pki.resolve("server.pem"), "--key-file=" + pki.resolve("server-key.pem"),
                        "--trusted-ca-file=" + ca, "--client-cert-auth")).start();
             // the guide's: plain in front, client certificates towards the member
             ProxyProcess plain = proxy(kind, dir, "plain", "--endpoints=" + memberUrl,
                     "--listen-addr=127.0.0.1:" + ports[2], "--cert", clientCert, "--key", clientKey,
                     "--cacert=" + ca);
             ProxyProcess skipVerify = proxy(kind, dir, "skip", "--endpoints=" + memberUrl,
                     "--listen-addr=127.0.0.1:" + ports[3], "--cert", clientCert, "--key", clientKey,
                     "--insecure-skip-tls-verify");
             // TLS on the proxy's own listener too
             ProxyProcess secure = proxy(kind, dir, "secure", "--endpoints", memberUrl,
                     "--listen-addr", "127.0.0.1:" + ports[4], "--key", clientKey,
                     "--key-file", pki.resolve("proxy-server-key.pem").toString(), "--cert", clientCert,
                     "--cert-file", pki.resolve("proxy-server.pem").toString(), "--cacert", ca)) {
            Etcdctl viaPlain = new Etcdctl("127.0.0.1:" + ports[2], dir.resolve("work"));
            assertEquals("OK\n", viaPlain.run("put", "tls-key", "v1").ok().stdout());
            assertEquals("v1\n", new Etcdctl("127.0.0.1:" + ports[3], dir.resolve("work"))
                    .run("get", "tls-key", "--print-value-only").ok().stdout());
            Etcdctl viaSecure = new Etcdctl("https://127.0.0.1:" + ports[4], dir.resolve("work"))
                    .withGlobalFlags("--cacert=" + ca);
            assertEquals("OK\n", viaSecure.run("put", "tls-key", "v2").ok().stdout());
            Etcdctl direct = new Etcdctl(memberUrl, dir.resolve("work"))
                    .withGlobalFlags("--cacert=" + ca, "--cert=" + clientCert, "--key=" + clientKey);
            assertEquals("v2\n", direct.run("get", "tls-key", "--print-value-only").ok().stdout());
        }
        // a certificate with a Common Name: refused at start, as etcd refuses it
        Commands.Result withCn = Commands.run(dir, Duration.ofSeconds(60), ProxyProcess.command(kind, "grpc-proxy",
                List.of("--endpoints=" + memberUrl, "--listen-addr=127.0.0.1:" + ports[2],
                        "--data-dir=" + dir.resolve("cn"), "--cert=" + pki.resolve("client.pem"),
                        "--key=" + pki.resolve("client-key.pem"), "--cacert=" + ca)));
        assertEquals(1, withCn.exitCode(), withCn.stdout() + withCn.stderr());
        assertTrue(withCn.stderr().contains("cert has non empty Common Name (etcd-client)"), withCn.stderr());
    }

    private static String registration(int port, String host) {
        return "___grpc_proxy_endpoint/127.0.0.1:" + port + "\n{\"Op\":0,\"Addr\":\"127.0.0.1:" + port
                + "\",\"Metadata\":\"{\\\"name\\\":\\\"" + host + "\\\"}\"}\n";
    }

    /** The data rows of {@code member list -w table}, spaces squeezed, the member name replaced by HOST. */
    private static List<String> memberRows(Etcdctl ctl) {
        return ctl.run("member", "list", "-w", "table").ok().lines().stream()
                .filter(l -> l.startsWith("|") && !l.contains(" ID "))
                .map(l -> l.replaceAll("\\s+", " ").replaceAll("^\\| 0 \\| started \\| [^|]+ \\|",
                        "| 0 | started | HOST |"))
                .toList();
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static List<String> metricFamilies(String text) {
        return text.lines().filter(l -> l.startsWith("# TYPE ")).sorted().toList();
    }

    /** GET over HTTP/1.1, bounded (5 s to connect, 10 s for the answer). */
    static HttpResponse<String> get(String url) {
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A grpc-proxy of {@code kind} (etcd's or Cairn's) named {@code name}, started and ready. */
    private static ProxyProcess proxy(ServerProcess.Kind kind, Path dir, String name, String... flags) throws IOException {
        List<String> all = new ArrayList<>(List.of("--data-dir=" + dir.resolve(name + ".proxy")));
        all.addAll(List.of(flags));
        ProxyProcess proxy = ProxyProcess.start(kind, "grpc-proxy", dir, dir.resolve(name + ".log"), all);
        proxy.awaitLog("\"msg\":\"started gRPC proxy\"");
        return proxy;
    }
}
