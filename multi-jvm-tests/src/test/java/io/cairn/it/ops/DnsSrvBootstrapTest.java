package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DNS SRV bootstrap (reference guide 002, "DNS discovery", {@code etcd} replaced by {@code bin/cairn}) against a
 * real DNS server: dnsmasq started by the test on a free loopback port with SRV and host records; members get it
 * through Cairn's --discovery-srv-nameserver / ETCD_DISCOVERY_SRV_NAMESERVER and have no --initial-cluster.
 *
 * <p>Cairn only: etcd 3.4 asks the system resolver (no port can be given), and etcd 3.4.23 fails this very workflow
 * with plain {@code _etcd-server._tcp} records (it drops them and reports the failed {@code _etcd-server-ssl} lookup;
 * checked by hand against dnsmasq in a network namespace, see the README).
 */
@Tag("cluster")
class DnsSrvBootstrapTest {
    private static final String DOMAIN = "example.test";
    private static final Duration CMD = Duration.ofSeconds(60);

    private Path dir;
    private int[] ports;
    private Dnsmasq dns;
    private final List<ServerProcess> members = new ArrayList<>();

    @BeforeEach
    void startDns() throws Exception {
        Assumptions.assumeTrue(ClusterProcesses.servers().contains(ServerProcess.Kind.CAIRN),
                "Cairn only (-Dcairn.it.servers excludes cairn)");
        dir = ClusterProcesses.dirFor(DnsSrvBootstrapTest.class, "srv", ServerProcess.Kind.CAIRN);
        ServerProcess.deleteRecursively(dir);
        Files.createDirectories(dir);
        ports = ServerProcess.freePorts(8); // client/peer for infra1..3, then a solo member
        Dnsmasq.Records records = new Dnsmasq.Records(DOMAIN);
        for (int i = 1; i <= 3; i++) {
            records.srv("_etcd-server._tcp", "infra" + i, peer(i)).host("infra" + i, "127.0.0.1");
            records.srv("_etcd-client._tcp", "infra" + i, client(i));
        }
        // a second cluster under a service suffix (--discovery-srv-name solo): one member
        records.srv("_etcd-server-solo._tcp", "solo", ports[7]).host("solo", "127.0.0.1");
        // TLS records (--discovery-srv-name tls): found first, https, so an http member does not match them
        records.srv("_etcd-server-ssl-tls._tcp", "infra1", peer(1));
        dns = Dnsmasq.start(dir.resolve("dns"), records);
        assertEquals(3, dns.lookup("SRV", "_etcd-server._tcp." + DOMAIN).size(), dns.logText());
    }

    @AfterEach
    void stopAll() {
        for (ServerProcess m : members) {
            try { m.close(); } catch (RuntimeException | Error ignored) { }
        }
        if (dns != null) dns.close();
    }

    private int client(int i) { return ports[2 * (i - 1)]; }
    private int peer(int i) { return ports[2 * (i - 1) + 1]; }

    /** Guide 002's flags for member infraN, with the DNS server as a flag. */
    private List<String> flags(String name, Path data, String advertisedPeer, int client, int listenPeer, String... more) {
        List<String> f = new ArrayList<>(List.of(
                "--name", name,
                "--data-dir", data.toString(),
                "--discovery-srv", DOMAIN,
                "--discovery-srv-nameserver", dns.nameserver(),
                "--initial-advertise-peer-urls", advertisedPeer,
                "--initial-cluster-token", "etcd-cluster-1",
                "--initial-cluster-state", "new",
                "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + listenPeer));
        f.addAll(List.of(more));
        return f;
    }

    @Test
    void threeMembersBootstrapFromSrvRecords() {
        for (int i = 1; i <= 3; i++) {
            String name = "infra" + i;
            Path data = dir.resolve(name).resolve("data");
            members.add(ServerProcess.withFlags(ServerProcess.Kind.CAIRN, name, data, dir.resolve(name).resolve("cairn.log"),
                    client(i), peer(i),
                    flags(name, data, "http://" + name + "." + DOMAIN + ":" + peer(i), client(i), peer(i))));
        }
        for (ServerProcess m : members) m.launch();
        for (ServerProcess m : members) m.awaitReady();
        for (ServerProcess m : members) {
            assertTrue(m.logSinceLaunch().contains("got bootstrap from DNS for etcd-server at " + m.name() + "=http://"
                    + m.name() + "." + DOMAIN + ":" + m.peerPort()), m.logSinceLaunch());
        }

        String endpoints = String.join(",", members.stream().map(ServerProcess::endpoint).toList());
        Etcdctl ctl = new Etcdctl(endpoints, dir.resolve("work"));
        String list = ctl.run("member", "list").ok().stdout();
        for (int i = 1; i <= 3; i++) {
            assertTrue(list.contains(", started, infra" + i + ", http://infra" + i + "." + DOMAIN + ":" + peer(i) + ", "),
                    list);
        }
        assertEquals(3, list.lines().count(), list);
        ctl.run("put", "srv-key", "v1").ok();
        assertEquals("v1\n", new Etcdctl(members.get(2).endpoint(), dir.resolve("work"))
                .run("get", "srv-key", "--print-value-only").ok().stdout());

        // a restart needs neither the SRV records' answer nor --initial-cluster: the data dir knows its cluster
        ServerProcess second = members.get(1);
        second.terminate();
        second.start();
        assertTrue(second.logSinceLaunch().contains("restarting member"), second.logSinceLaunch());
        assertFalse(second.logSinceLaunch().contains("got bootstrap from DNS"), second.logSinceLaunch());
        ctl.run("put", "srv-key", "v2").ok();
        assertEquals("v2\n", new Etcdctl(second.endpoint(), dir.resolve("work"))
                .run("get", "srv-key", "--print-value-only").ok().stdout());
    }

    @Test
    void serviceSuffixSelectsItsOwnRecords() {
        Path data = dir.resolve("solo").resolve("data");
        ServerProcess solo = ServerProcess.withFlags(ServerProcess.Kind.CAIRN, "solo", data,
                dir.resolve("solo").resolve("cairn.log"), ports[6], ports[7],
                flags("solo", data, "http://solo." + DOMAIN + ":" + ports[7], ports[6], ports[7],
                        "--discovery-srv-name", "solo"));
        members.add(solo);
        solo.start();
        String list = new Etcdctl(solo.endpoint(), dir.resolve("work")).run("member", "list").ok().stdout();
        assertEquals(1, list.lines().count(), list);
        assertTrue(list.contains(", started, solo, http://solo." + DOMAIN + ":" + ports[7] + ", "), list);
    }

    @Test
    void missingOrWrongRecordsFailFastWithEtcdsError() {
        int free = ServerProcess.freePorts(1)[0];
        // no records at all for the domain (the nameserver from ETCD_DISCOVERY_SRV_NAMESERVER)
        Path noRecords = dir.resolve("none");
        List<String> f = flagsWithoutNameserver("infra1", noRecords, "http://infra1." + DOMAIN + ":" + peer(1), free, free);
        f.set(f.indexOf(DOMAIN), "elsewhere." + DOMAIN);
        Commands.Result r = runCairn(Map.of("ETCD_DISCOVERY_SRV_NAMESERVER", dns.nameserver()), f);
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("C | etcdmain: error setting up initial cluster: error querying DNS SRV records"
                + " for _etcd-server-ssl lookup _etcd-server-ssl._tcp.elsewhere." + DOMAIN + " on " + dns.nameserver()
                + ": no such host; error querying DNS SRV records for _etcd-server lookup _etcd-server._tcp.elsewhere."
                + DOMAIN + " on " + dns.nameserver() + ": no such host"), r.stdout());
        assertFalse(r.stdout().contains("ready to serve"), r.stdout());
        assertFalse(Files.exists(noRecords.resolve("member")), "nothing written to the data dir");

        // records, but none of them is this member
        Path notListed = dir.resolve("not-listed");
        r = runCairn(Map.of(), flags("infra9", notListed, "http://127.0.0.1:" + free, free, free));
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains(
                "C | etcdmain: error setting up initial cluster: cannot find local etcd member \"infra9\" in SRV records"),
                r.stdout());
        assertFalse(Files.exists(notListed.resolve("member")));

        // _etcd-server-ssl-tls is looked up first: its https record for this member's http URL is refused as etcd does
        Path wrongScheme = dir.resolve("wrong-scheme");
        r = runCairn(Map.of(), flags("infra1", wrongScheme, "http://infra1." + DOMAIN + ":" + peer(1), free, peer(1),
                "--discovery-srv-name", "tls"));
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("error querying DNS SRV records for _etcd-server-ssl-tls bootstrap at https://infra1."
                + DOMAIN + ":" + peer(1) + " from DNS for etcd-server-ssl-tls has scheme mismatch with expected peer http://infra1."
                + DOMAIN + ":" + peer(1)), r.stdout());
    }

    private List<String> flagsWithoutNameserver(String name, Path data, String advertisedPeer, int client, int peer) {
        List<String> f = flags(name, data, advertisedPeer, client, peer);
        int i = f.indexOf("--discovery-srv-nameserver");
        f.remove(i);
        f.remove(i);
        return f;
    }

    /** bin/cairn that must exit by itself (bounded: a hang fails the test); stdout holds its log. */
    private Commands.Result runCairn(Map<String, String> env, List<String> flags) {
        long start = System.nanoTime();
        Commands.Result r = ServerProcess.runToExit(ServerProcess.Kind.CAIRN, dir.resolve("work"), CMD, env, flags);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // two DNS queries (5 s timeout each) at most, plus JVM start on a busy machine
        assertTrue(took.compareTo(Duration.ofSeconds(45)) < 0, "took " + took);
        return r;
    }

}
