package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reference guide 002's gateway: {@code etcd gateway start --endpoints=...} (here {@code bin/cairn gateway start}),
 * a layer-4 proxy etcdctl talks to as if it were a member. Run side by side with etcd's own gateway in front of an
 * etcd member, same assertions: requests pass through while one listed endpoint is dead (a failed dial moves on to
 * the next endpoint and deactivates the dead one, logged as etcd logs it; the retry delay's re-dial is logged too),
 * a dead cluster gives the client an error, not a hang, and the gateway's own errors (no endpoints, a duration
 * without unit, a listen address in use) exit 1 with etcd's words. And, Cairn only, endpoints from SRV records.
 */
class GatewayTest {
    private static final Duration CMD = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void proxiesClientConnectionsToTheLiveEndpoints(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.dirFor(GatewayTest.class, "gateway", kind);
        int[] ports = ServerProcess.freePorts(4);
        int gatewayPort = ports[2];
        int deadPort = ports[3];
        Path gatewayLog = dir.resolve("gateway.log");
        try (ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start()) {
            Files.createDirectories(dir);
            try (ProxyProcess gateway = gateway(kind, dir, gatewayLog, "--endpoints=127.0.0.1:" + deadPort
                    + ",http://127.0.0.1:" + ports[0], "--listen-addr=127.0.0.1:" + gatewayPort, "--retry-delay=2s")) {
                gateway.awaitLog("\"msg\":\"ready to proxy client requests\"");
                String log = gateway.read();
                assertTrue(log.contains("\"endpoints\":[\"127.0.0.1:" + deadPort + "\",\"127.0.0.1:" + ports[0] + "\"]"),
                        log);

                // each etcdctl is a new connection: round-robin hands one of them to the dead endpoint first
                Etcdctl ctl = new Etcdctl("127.0.0.1:" + gatewayPort, dir.resolve("work"));
                for (int i = 0; i < 3; i++) {
                    assertEquals("OK\n", ctl.run("put", "k" + i, "v" + i).ok().stdout());
                }
                assertEquals("k0\nv0\nk1\nv1\nk2\nv2\n", ctl.run("get", "k", "--prefix").ok().stdout());
                gateway.awaitLog("\"msg\":\"deactivated endpoint\",\"address\":\"127.0.0.1:" + deadPort + "\"");
                assertTrue(gateway.read().contains("\"error\":\"dial tcp 127.0.0.1:" + deadPort
                        + ": connect: connection refused\""), gateway.read());
                gateway.awaitLog("\"msg\":\"failed to activate endpoint (stay inactive for another interval)\","
                        + "\"address\":\"127.0.0.1:" + deadPort + "\"");

                // no live endpoint: the client gets its own error within its timeout
                member.kill9();
                Etcdctl.Result down = ctl.run(CMD, null, "get", "k0", "--command-timeout=3s", "--dial-timeout=2s");
                assertNotEquals(0, down.exitCode(), down.stdout());

                // a second gateway on the same listen address
                Commands.Result inUse = cli(kind, dir, "--listen-addr=127.0.0.1:" + gatewayPort);
                assertEquals(1, inUse.exitCode(), inUse.stdout() + inUse.stderr());
                assertTrue(inUse.stderr().contains("listen tcp 127.0.0.1:" + gatewayPort
                        + ": bind: address already in use"), inUse.stderr());
            }
        }

        Commands.Result none = cli(kind, dir, "--endpoints=", "--listen-addr=127.0.0.1:" + gatewayPort);
        assertEquals(1, none.exitCode());
        assertEquals("no endpoints found\n", none.stdout());

        Commands.Result unitless = cli(kind, dir, "--retry-delay=123");
        assertEquals(1, unitless.exitCode());
        assertTrue(unitless.stderr().startsWith("Error: invalid argument \"123\" for \"--retry-delay\" flag: "
                + "time: missing unit in duration \"123\""), unitless.stderr());
    }

    /**
     * Cairn only, as DnsSrvBootstrapTest (etcd's gateway asks the system resolver; no port can be given): the
     * endpoints from {@code _etcd-client._tcp} SRV records served by a dnsmasq the test starts, one of them dead.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void discoversEndpointsFromSrvRecords() throws Exception {
        Assumptions.assumeTrue(ClusterProcesses.servers().contains(ServerProcess.Kind.CAIRN),
                "Cairn only (-Dcairn.it.servers excludes cairn)");
        ServerProcess.Kind kind = ServerProcess.Kind.CAIRN;
        Path dir = ClusterProcesses.freshDirFor(GatewayTest.class, "srv", kind);
        int[] ports = ServerProcess.freePorts(4);
        int gatewayPort = ports[2];
        int deadPort = ports[3];
        Path gatewayLog = dir.resolve("gateway.log");
        Dnsmasq.Records records = new Dnsmasq.Records("example.test")
                .srv("_etcd-client._tcp", "m1", ports[0]).host("m1", "127.0.0.1")
                .srv("_etcd-client._tcp", "dead", deadPort).host("dead", "127.0.0.1");
        try (Dnsmasq dns = Dnsmasq.start(dir.resolve("dns"), records);
             ServerProcess member = ServerProcess.fresh(kind, dir.resolve("m1"), ports[0], ports[1]).start()) {
            try (ProxyProcess gateway = gateway(kind, dir, gatewayLog, "--discovery-srv=example.test",
                    "--discovery-srv-nameserver=" + dns.nameserver(), "--listen-addr=127.0.0.1:" + gatewayPort)) {
                gateway.awaitLog("\"msg\":\"ready to proxy client requests\"");
                String log = gateway.read();
                assertTrue(log.contains("\"m1.example.test:" + ports[0] + "\""), log);
                assertTrue(log.contains("\"dead.example.test:" + deadPort + "\""), log);
                Etcdctl ctl = new Etcdctl("127.0.0.1:" + gatewayPort, dir.resolve("work"));
                for (int i = 0; i < 3; i++) {
                    assertEquals("OK\n", ctl.run("put", "k" + i, "v" + i).ok().stdout());
                }
                assertEquals("v2\n", ctl.run("get", "k2", "--print-value-only").ok().stdout());
            }
            // no records for the domain: an error and exit 1, not a hang
            Commands.Result none = cli(kind, dir, "--discovery-srv=nowhere.test",
                    "--discovery-srv-nameserver=" + dns.nameserver(), "--listen-addr=127.0.0.1:" + gatewayPort);
            assertEquals(1, none.exitCode(), none.stdout() + none.stderr());
            assertTrue(none.stderr().contains("lookup _etcd-client._tcp.nowhere.test on " + dns.nameserver()
                    + ": no such host"), none.stderr());
        }
    }

    private static ProxyProcess gateway(ServerProcess.Kind kind, Path dir, Path log, String... flags)
            throws IOException {
        return ProxyProcess.start(kind, "gateway", dir, log, List.of(flags));
    }

    /** A gateway run expected to exit by itself (an error). */
    private static Commands.Result cli(ServerProcess.Kind kind, Path dir, String... flags) {
        return Commands.run(dir.resolve("work"), CMD, ProxyProcess.command(kind, "gateway", List.of(flags)));
    }
}
