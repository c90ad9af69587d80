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
 * from concurrent client streams (coalesced onto one member stream) and for an unknown lease; concurrent watchers
 * (coalesced onto shared member watchers) printing what the member's own watchers print; the range cache
 * (serializable reads stale until a write through the proxy, compaction, --namespace).
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
        try (ProxiedMember p = new ProxiedMember(kind, kind, dir, "--namespace=my-prefix/")) {
            Etcdctl ctl = p.ctl;
            Etcdctl direct = p.direct;
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

            // the range cache works on the client's keys, as etcd's sits above the namespace: a write through the
            // proxy refreshes a serializable read of the same key
            assertEquals("abc\n", serializable(ctl, "my-key"));
            direct.run("put", "my-prefix/my-key", "direct").ok();
            assertEquals("abc\n", serializable(ctl, "my-key"));
            assertEquals("OK\n", ctl.run("put", "my-key", "proxied").ok().stdout());
            assertEquals("proxied\n", serializable(ctl, "my-key"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void cachesSerializableRangesUntilAWriteThroughTheProxy(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "cache", kind);
        try (ProxiedMember p = new ProxiedMember(kind, kind, dir)) {
            ServerProcess member = p.member;
            Etcdctl ctl = p.ctl;
            Etcdctl direct = p.direct;
            // a serializable read is answered from the cache: a write straight to the member is not seen...
            assertEquals("OK\n", ctl.run("put", "k", "v1").ok().stdout());
            assertEquals("v1\n", serializable(ctl, "k"));
            direct.run("put", "k", "v2").ok();
            assertEquals("v1\n", serializable(ctl, "k"));
            // ...a linearizable one always goes to the member, and its answer is stored for serializable reads
            assertEquals("v2\n", ctl.run("get", "k", "--print-value-only").ok().stdout());
            assertEquals("v2\n", serializable(ctl, "k"));
            // a put through the proxy makes the key fresh
            direct.run("put", "k", "v3").ok();
            assertEquals("v2\n", serializable(ctl, "k"));
            assertEquals("OK\n", ctl.run("put", "k", "v4").ok().stdout());
            assertEquals("v4\n", serializable(ctl, "k"));

            // a range is invalidated by a write to any key inside it: put, delete (even of nothing), txn compare
            assertEquals("v4\n", serializable(ctl, "k", "--prefix"));
            direct.run("put", "k2", "direct").ok();
            assertEquals("v4\n", serializable(ctl, "k", "--prefix"));
            ctl.run("put", "k3", "proxied").ok();
            assertEquals("v4\ndirect\nproxied\n", serializable(ctl, "k", "--prefix"));
            direct.run("put", "k4", "direct").ok();
            assertEquals("0\n", ctl.run("del", "k5").ok().stdout());
            // a delete whose range ends before it begins deletes nothing, through the proxy as straight to a member
            assertEquals("0\n", ctl.run("del", "k", "a").ok().stdout());
            assertEquals("v4\ndirect\nproxied\ndirect\n", serializable(ctl, "k", "--prefix"));
            assertEquals("", serializable(ctl, "t"));
            direct.run("put", "t", "direct").ok();
            // the compare's key is invalidated; the else branch's read is stored like any other
            assertEquals("FAILURE\n\n", ctl.runWithStdin("value(\"t\") = \"x\"\n\nput z 1\n\nget q\n\n", "txn")
                    .ok().stdout());
            assertEquals("direct\n", serializable(ctl, "t"));
            direct.run("put", "q", "direct").ok();
            assertEquals("", serializable(ctl, "q"));

            // --from-key: etcd 3.4's cache files a range end "\\0" as an interval ending before it begins, so no
            // write through its proxy ever refreshes such a read; Cairn's covers every key from the key on
            assertEquals("direct\n", serializable(ctl, "t", "--from-key"));
            ctl.run("put", "u", "proxied").ok();
            assertEquals(kind == ServerProcess.Kind.ETCD ? "direct\n" : "direct\nproxied\n",
                    serializable(ctl, "t", "--from-key"));

            // a compaction through the proxy: the cache answers the compacted error below it itself, and stops
            // caching reads of the latest revision (etcd's Add wants a revision above the compacted one)
            String revision = ctl.run("get", "k", "-w", "fields").ok().stdout().lines()
                    .filter(l -> l.startsWith("\"Revision\"")).findFirst().orElseThrow().split(" : ")[1];
            assertEquals("compacted revision " + revision + "\n", ctl.run("compact", revision).ok().stdout());
            Etcdctl.Result belowCompacted = ctl.run("get", "k", "--rev=2", "--consistency=s");
            assertEquals(1, belowCompacted.exitCode());
            assertTrue(belowCompacted.stderr().endsWith(COMPACTED), belowCompacted.stderr());
            assertTrue(belowCompacted.stderr().contains("code = OutOfRange"), belowCompacted.stderr());
            assertEquals("", serializable(ctl, "m"));
            direct.run("put", "m", "direct").ok();
            assertEquals("direct\n", serializable(ctl, "m"));
        }
    }

    private static String serializable(Etcdctl ctl, String key, String... flags) {
        List<String> args = new ArrayList<>(List.of("get", key, "--consistency=s", "--print-value-only"));
        args.addAll(List.of(flags));
        return ctl.run(args.toArray(String[]::new)).ok().stdout();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void keepsLeasesAliveFromConcurrentStreams(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "keepalive", kind);
        try (ProxiedMember p = new ProxiedMember(kind, kind, dir)) {
            Etcdctl ctl = p.ctl;
            Etcdctl direct = p.direct;
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
    void broadcastsEventsToConcurrentWatchersAsTheMemberSendsThem(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "watch", kind);
        try (ProxiedMember p = new ProxiedMember(kind, kind, dir)) {
            Etcdctl ctl = p.ctl;
            Etcdctl direct = p.direct;
            // the same watches through the proxy (where they share member watchers) and on the member itself
            try (Etcdctl.Background prevKv = ctl.start("proxy-prev-kv", "watch", "w", "--prefix", "--prev-kv");
                 Etcdctl.Background plain = ctl.start("proxy-plain", "watch", "w", "--prefix");
                 Etcdctl.Background memberPrevKv = direct.start("member-prev-kv", "watch", "w", "--prefix",
                         "--prev-kv");
                 Etcdctl.Background memberPlain = direct.start("member-plain", "watch", "w", "--prefix")) {
                List<Etcdctl.Background> all = List.of(prevKv, plain, memberPrevKv, memberPlain);
                // etcdctl prints nothing when its watch is created: a marker put, repeated until every one saw it
                Await.await("every watch created", Duration.ofSeconds(30), () -> {
                    direct.run("put", "w/sync", "s" + System.nanoTime()).ok();
                    return all.stream().allMatch(w -> w.stdout().contains("w/sync\n")) ? null
                            : all.stream().map(w -> w.stdout() + w.stderr()).toList().toString();
                });
                String revision = direct.run("put", "w/k", "v1", "-w", "fields").ok().lines().stream()
                        .filter(l -> l.startsWith("\"Revision\""))
                        .findFirst().orElseThrow().replaceAll("\\D", "");
                direct.run("put", "w/k", "v2").ok();
                direct.run("del", "w/k").ok();
                direct.run("put", "w/end", "x").ok();
                for (Etcdctl.Background w : all) {
                    Await.await("the events", Duration.ofSeconds(30),
                            () -> w.stdout().contains("w/end\nx\n") ? null : w.stdout() + w.stderr());
                }
                assertEquals("PUT\nw/k\nv1\nPUT\nw/k\nv2\nDELETE\nw/k\n\nPUT\nw/end\nx\n", fromFirstK(plain));
                assertEquals(fromFirstK(memberPlain), fromFirstK(plain));
                assertEquals(fromFirstK(memberPrevKv), fromFirstK(prevKv));

                // a watcher from a past revision catches up on its own member watcher, as from the member
                Etcdctl.Background fromRevision = ctl.start("proxy-from-revision", "watch", "w/k", "--rev=" + revision);
                Etcdctl.Background memberFromRevision = direct.start("member-from-revision", "watch", "w/k",
                        "--rev=" + revision);
                try (fromRevision; memberFromRevision) {
                    for (Etcdctl.Background w : List.of(fromRevision, memberFromRevision)) {
                        Await.await("the past events", Duration.ofSeconds(30),
                                () -> w.stdout().contains("DELETE\n") ? null : w.stdout() + w.stderr());
                    }
                    assertEquals("PUT\nw/k\nv1\nPUT\nw/k\nv2\nDELETE\nw/k\n\n", fromRevision.stdout());
                    assertEquals(memberFromRevision.stdout(), fromRevision.stdout());
                }
            }
        }
    }

    /** Cairn's proxy in front of etcd: the member's own watcher gauge shows the client watchers coalesced. */
    @org.junit.jupiter.api.Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void coalescesWatchersOntoOneMemberWatcher() throws Exception {
        Path dir = ClusterProcesses.freshDirFor(GrpcProxyTest.class, "coalesce", ServerProcess.Kind.CAIRN);
        try (ProxiedMember p = new ProxiedMember(ServerProcess.Kind.ETCD, ServerProcess.Kind.CAIRN, dir)) {
            ServerProcess member = p.member;
            Etcdctl ctl = p.ctl;
            Etcdctl direct = p.direct;
            assertEquals("0", memberWatchers(member));
            List<Etcdctl.Background> watches = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    watches.add(ctl.start("watch-" + i, "watch", "z"));
                }
                // each current watcher is created on a member watcher of its own, then coalesced into the first
                Await.await("three watchers on one member watcher", Duration.ofSeconds(30), () -> {
                    direct.run("put", "z", "s" + System.nanoTime()).ok();
                    String watchers = memberWatchers(member);
                    return watchers.equals("1") && watches.stream().allMatch(w -> w.stdout().contains("PUT\nz\n"))
                            ? null : watchers;
                });
                direct.run("put", "z", "last").ok();
                for (Etcdctl.Background w : watches) {
                    Await.await("the put", Duration.ofSeconds(30),
                            () -> w.stdout().endsWith("PUT\nz\nlast\n") ? null : w.stdout() + w.stderr());
                }
                watches.remove(0).close();
                direct.run("put", "z", "after").ok();
                for (Etcdctl.Background w : watches) {
                    Await.await("the put after one left", Duration.ofSeconds(30),
                            () -> w.stdout().endsWith("PUT\nz\nafter\n") ? null : w.stdout() + w.stderr());
                }
                assertEquals("1", memberWatchers(member));
            } finally {
                for (Etcdctl.Background w : watches) {
                    w.close();
                }
            }
            // the last one leaving closes the member watcher
            Await.await("no member watcher left", Duration.ofSeconds(30),
                    () -> memberWatchers(member).equals("0") ? null : memberWatchers(member));
        }
    }

    /** etcd's etcd_debugging_mvcc_watcher_total gauge, from the member's /metrics. */
    private static String memberWatchers(ServerProcess member) {
        return get(member.clientUrl() + "/metrics").body().lines()
                .filter(l -> l.startsWith("etcd_debugging_mvcc_watcher_total "))
                .map(l -> l.substring(l.indexOf(' ') + 1))
                .findFirst().orElseThrow();
    }

    /** etcdctl watch output from the first event on w/k. */
    private static String fromFirstK(Etcdctl.Background watch) {
        String out = watch.stdout();
        int at = out.indexOf("PUT\nw/k\n");
        assertTrue(at >= 0, out);
        return out.substring(at);
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

    /** A fresh member and a grpc-proxy in front of it on free ports; etcdctl through the proxy and direct. */
    private static final class ProxiedMember implements AutoCloseable {
        final ServerProcess member;
        final ProxyProcess proxy;
        final Etcdctl ctl;
        final Etcdctl direct;

        ProxiedMember(ServerProcess.Kind memberKind, ServerProcess.Kind proxyKind, Path dir, String... proxyFlags)
                throws IOException {
            int[] ports = ServerProcess.freePorts(3);
            member = ServerProcess.fresh(memberKind, dir.resolve("m1"), ports[0], ports[1]).start();
            List<String> flags = new ArrayList<>(
                    List.of("--endpoints=127.0.0.1:" + ports[0], "--listen-addr=127.0.0.1:" + ports[2]));
            flags.addAll(List.of(proxyFlags));
            try {
                proxy = proxy(proxyKind, dir, "p1", flags.toArray(String[]::new));
            } catch (IOException | RuntimeException e) {
                member.close();
                throw e;
            }
            ctl = new Etcdctl("127.0.0.1:" + ports[2], dir.resolve("work"));
            direct = new Etcdctl(member.endpoint(), dir.resolve("work"));
        }

        @Override
        public void close() throws InterruptedException {
            try {
                proxy.close();
            } finally {
                member.close();
            }
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
