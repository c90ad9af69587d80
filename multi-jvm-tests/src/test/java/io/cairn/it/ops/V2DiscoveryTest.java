package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reference guide 002's "etcd discovery" with a private discovery service: an existing etcd (real etcd 3.4 with
 * --enable-v2) holds the discovery token, {@code curl -X PUT .../_config/size -d value=3} sizes it, and three
 * members started with only {@code --discovery URL} bootstrap from it. Side by side for etcd and Cairn members: the
 * cluster forms with the member IDs registered under the token, a fourth member, a member registering twice and a
 * token without a size get etcd's errors and exit 1, and a restart no longer needs the discovery service.
 */
@Tag("cluster")
class V2DiscoveryTest {
    private static final Duration CMD = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void threeMembersBootstrapFromADiscoveryToken(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(V2DiscoveryTest.class, "discovery", kind);
        // the discovery service, client/peer for machine-0..4, then two for machine-0's second registration
        int[] ports = ServerProcess.freePorts(14);
        Path serviceData = dir.resolve("service").resolve("data");
        String service = "http://127.0.0.1:" + ports[0];
        List<ServerProcess> members = new ArrayList<>();
        try (ServerProcess discovery = ServerProcess.withFlags(ServerProcess.Kind.ETCD, "service", serviceData,
                dir.resolve("service").resolve("etcd.log"), ports[0], ports[1], List.of(
                        "--name", "service", "--data-dir", serviceData.toString(), "--enable-v2",
                        "--listen-client-urls", service, "--advertise-client-urls", service,
                        "--listen-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports[1],
                        "--initial-cluster", "service=http://127.0.0.1:" + ports[1]))) {
            discovery.start();
            String token = "/v2/keys/discovery/6c007a14875d53d9bf0ef5a6fc0257c817f0fb83";
            String durl = service + token;
            // guide 002: curl -X PUT https://myetcd.local/v2/keys/discovery/<token>/_config/size -d value=3
            assertEquals(201, put(durl + "/_config/size", "value=3").statusCode());

            for (int i = 0; i < 3; i++) members.add(member(kind, dir, ports, i, durl));
            for (ServerProcess m : members) m.launch();
            for (ServerProcess m : members) m.awaitReady();

            Etcdctl ctl = new Etcdctl(members.get(0).endpoint(), dir.resolve("work"));
            String list = ctl.run("member", "list").ok().stdout();
            Set<String> ids = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^([0-9a-f]+), started, machine-\\d, ").matcher(list);
            while (m.find()) ids.add(m.group(1));
            assertEquals(3, ids.size(), list);
            // every member runs under the ID it registered with (etcd's ID from its peer URLs and the token)
            assertEquals(registeredIds(durl), ids, list);
            assertEquals("OK\n", ctl.run("put", "foo", "bar").ok().stdout());
            assertEquals("bar\n", new Etcdctl(members.get(2).endpoint(), dir.resolve("work"))
                    .run("get", "foo", "--print-value-only").ok().stdout());
            assertTrue(members.get(0).logSinceLaunch().contains("embed: discovery URL= " + durl),
                    members.get(0).logSinceLaunch());
            assertTrue(members.get(2).logSinceLaunch().contains("discovery: found 3 needed peer(s)"),
                    members.get(2).logSinceLaunch());

            // a fourth member: the cluster is full
            List<String> fourth = new ArrayList<>(flags(dir, ports, 3, durl));
            fourth.add("--discovery-fallback=exit");
            Commands.Result full = ServerProcess.runToExit(kind, dir.resolve("work"), CMD, fourth);
            assertEquals(1, full.exitCode(), full.stdout());
            assertTrue(full.stdout().contains("E | etcdmain: failed to join discovery cluster (discovery: cluster is full)"),
                    full.stdout());
            assertTrue(full.stdout().contains("I | etcdmain: discovery token " + durl
                    + " was used, but failed to bootstrap the cluster."), full.stdout());
            // machine-0 again (same advertised peer URL, so the same ID) on an empty data dir, listening elsewhere
            // as the first one still runs: registered already
            List<String> again = new ArrayList<>(flags(dir, ports, 0, durl));
            again.set(again.indexOf("--data-dir") + 1, dir.resolve("machine-0-again").toString());
            again.set(again.indexOf("--listen-peer-urls") + 1, "http://127.0.0.1:" + ports[12]);
            again.set(again.indexOf("--listen-client-urls") + 1, "http://127.0.0.1:" + ports[13]);
            again.set(again.indexOf("--advertise-client-urls") + 1, "http://127.0.0.1:" + ports[13]);
            Commands.Result duplicate = ServerProcess.runToExit(kind, dir.resolve("work"), CMD, again);
            assertEquals(1, duplicate.exitCode(), duplicate.stdout());
            assertTrue(duplicate.stdout().contains("E | etcdmain: member \"machine-0\" has previously registered with"
                    + " discovery service token (" + durl + ")."), duplicate.stdout());
            // a token nobody sized
            Commands.Result unsized = ServerProcess.runToExit(kind, dir.resolve("work"), CMD,
                    flags(dir, ports, 4, service + "/v2/keys/discovery/unsized"));
            assertEquals(1, unsized.exitCode(), unsized.stdout());
            assertTrue(unsized.stdout().contains(
                    "E | etcdmain: failed to join discovery cluster (100: Key not found (/discovery/unsized) ["),
                    unsized.stdout());

            // the discovery service is needed only to bootstrap: a member restarts without it
            discovery.terminate();
            ServerProcess second = members.get(1);
            second.terminate();
            second.start();
            assertEquals("OK\n", new Etcdctl(second.endpoint(), dir.resolve("work")).run("put", "foo", "baz").ok().stdout());
            assertEquals("baz\n", ctl.run("get", "foo", "--print-value-only").ok().stdout());
        } finally {
            for (ServerProcess m : members) {
                try { m.close(); } catch (RuntimeException | Error ignored) { }
            }
        }
    }

    /** Guide 002's member flags for machine-i: its URLs and --discovery, nothing else. */
    private static List<String> flags(Path dir, int[] ports, int i, String durl) {
        String client = "http://127.0.0.1:" + ports[2 + 2 * i];
        String peer = "http://127.0.0.1:" + ports[3 + 2 * i];
        return List.of(
                "--name", "machine-" + i,
                "--data-dir", dir.resolve("machine-" + i).resolve("data").toString(),
                "--initial-advertise-peer-urls", peer,
                "--listen-peer-urls", peer,
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--discovery", durl);
    }

    private static ServerProcess member(ServerProcess.Kind kind, Path dir, int[] ports, int i, String durl) {
        String name = "machine-" + i;
        return ServerProcess.withFlags(kind, name, dir.resolve(name).resolve("data"),
                dir.resolve(name).resolve(kind.label() + ".log"), ports[2 + 2 * i], ports[3 + 2 * i],
                flags(dir, ports, i, durl));
    }

    /** The member IDs registered under the token (its keys other than _config). */
    private static Set<String> registeredIds(String durl) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(durl)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Set<String> ids = new TreeSet<>();
        Matcher m = Pattern.compile("\"key\":\"[^\"]*/([0-9a-f]+)\",\"value\"").matcher(body);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    private static HttpResponse<String> put(String url, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
