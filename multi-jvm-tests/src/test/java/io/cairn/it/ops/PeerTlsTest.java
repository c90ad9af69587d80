package io.cairn.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.Commands;
import io.cairn.it.Etcdctl;
import io.cairn.it.ServerProcess;
import io.cairn.it.cluster.ClusterProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS between members and etcd's automatic TLS, side by side with etcd: reference guide 002's static bootstrap with
 * {@code --auto-tls --peer-auto-tls} (self-signed certificates under {@code <data-dir>/fixtures}), guide 003's
 * https peer URLs with operator certificates ({@code --peer-cert-file --peer-key-file --peer-trusted-ca-file
 * --peer-client-cert-auth}), and etcd's refusals of an https URL without a key pair. The peer listeners are probed
 * with TLS handshakes of the test's own: they must speak TLS, and refuse a peer without a client certificate when
 * --peer-client-cert-auth is on.
 */
@Tag("cluster")
class PeerTlsTest {
    private static final Duration CMD = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void guide002AutoTlsCluster(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(PeerTlsTest.class, "auto", kind);
        int[] ports = ServerProcess.freePorts(6);
        List<ServerProcess> members = threeMembers(kind, dir, ports, "https", "https",
                i -> List.of("--auto-tls", "--peer-auto-tls"));
        try {
            for (ServerProcess m : members) m.launch();
            for (ServerProcess m : members) m.awaitReady();
            // etcd's auto TLS client: no CA to check against, so the client skips verification
            String[] insecure = {"--insecure-skip-tls-verify", "--insecure-transport=false"};
            Etcdctl first = new Etcdctl("https://127.0.0.1:" + ports[0], dir.resolve("work"));
            assertEquals("OK\n", first.withGlobalFlags(insecure).run("put", "foo", "bar").ok().stdout());
            Etcdctl third = new Etcdctl("https://127.0.0.1:" + ports[4], dir.resolve("work")).withGlobalFlags(insecure);
            assertEquals("bar\n", third.run("get", "foo", "--print-value-only").ok().stdout());
            String list = third.run("member", "list").ok().stdout();
            for (int i = 0; i < 3; i++) {
                assertTrue(list.contains(", started, machine-" + i + ", https://127.0.0.1:" + ports[2 * i + 1]
                        + ", https://127.0.0.1:" + ports[2 * i] + ", false"), list);
            }
            // without skipping verification the self-signed certificate is refused
            assertNotEquals(0, first.run("get", "foo", "--insecure-transport=false", "--dial-timeout=2s",
                    "--command-timeout=3s").exitCode());

            for (ServerProcess m : members) {
                for (String side : List.of("client", "peer")) {
                    Path fixtures = m.dataDir().resolve("fixtures").resolve(side);
                    assertTrue(Files.readString(fixtures.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
                    assertTrue(Files.readString(fixtures.resolve("key.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
                    assertEquals("rw-------",
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(fixtures.resolve("key.pem"))));
                }
                assertTrue(m.logSinceLaunch().contains("peerTLS: cert = " + m.dataDir().resolve("fixtures/peer/cert.pem")
                        + ", key = " + m.dataDir().resolve("fixtures/peer/key.pem")
                        + ", trusted-ca = , client-cert-auth = false, crl-file = "), m.logSinceLaunch());
                // the peer port speaks TLS with the member's self-signed certificate (organization "etcd")
                X509Certificate peerCert = TestPki.handshake(m.peerPort(), null, null);
                assertEquals("O=etcd", peerCert.getSubjectX500Principal().getName());
                assertEquals(peerCert.getSubjectX500Principal(), peerCert.getIssuerX500Principal());
            }

            // a restart reuses the certificates it made
            ServerProcess second = members.get(1);
            Path cert = second.dataDir().resolve("fixtures/peer/cert.pem");
            String before = Files.readString(cert);
            second.terminate();
            second.start();
            assertEquals(before, Files.readString(cert));
            assertEquals("bar\n", new Etcdctl("https://127.0.0.1:" + ports[2], dir.resolve("work"))
                    .withGlobalFlags(insecure).run("get", "foo", "--print-value-only").ok().stdout());
        } finally {
            closeAll(members);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void peerTlsWithOperatorCertificates(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(PeerTlsTest.class, "certs", kind);
        Path pki = dir.resolve("pki");
        TestPki.create(pki);
        Path otherPki = dir.resolve("other-pki");
        TestPki.create(otherPki);
        int[] ports = ServerProcess.freePorts(6);
        List<ServerProcess> members = threeMembers(kind, dir, ports, "http", "https", i -> List.of(
                "--peer-cert-file=" + pki.resolve("server.pem"),
                "--peer-key-file=" + pki.resolve("server-key.pem"),
                "--peer-trusted-ca-file=" + pki.resolve("ca.pem"),
                "--peer-client-cert-auth"));
        try {
            for (ServerProcess m : members) m.launch();
            for (ServerProcess m : members) m.awaitReady();
            Etcdctl first = new Etcdctl(members.get(0).endpoint(), dir.resolve("work"));
            assertEquals("OK\n", first.run("put", "foo", "bar").ok().stdout());
            assertEquals("bar\n", new Etcdctl(members.get(2).endpoint(), dir.resolve("work"))
                    .run("get", "foo", "--print-value-only", "--consistency=l").ok().stdout());
            String list = first.run("member", "list").ok().stdout();
            assertEquals(3, list.lines().filter(l -> l.contains(", started, machine-")
                    && l.contains(", https://127.0.0.1:")).count(), list);

            for (ServerProcess m : members) {
                // a peer with a certificate of the cluster's CA is let in; one without a certificate, or with one
                // of another CA, is refused at the handshake
                X509Certificate server = TestPki.handshake(m.peerPort(), pki.resolve("ca.pem"), pki.resolve("client.p12"));
                assertEquals("CN=etcd-server", server.getSubjectX500Principal().getName());
                assertThrows(IOException.class, () -> TestPki.handshake(m.peerPort(), pki.resolve("ca.pem"), null));
                assertThrows(IOException.class,
                        () -> TestPki.handshake(m.peerPort(), pki.resolve("ca.pem"), otherPki.resolve("client.p12")));
                // and a dialler that trusts only another CA refuses the member (refusals: an alert or a reset)
                assertThrows(IOException.class,
                        () -> TestPki.handshake(m.peerPort(), otherPki.resolve("ca.pem"), pki.resolve("client.p12")));
            }
        } finally {
            closeAll(members);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cairn.it.cluster.ClusterProcesses#servers")
    void httpsWithoutKeyPairIsRefusedAndAutoTlsOnHttpServesPlain(ServerProcess.Kind kind) throws Exception {
        Path dir = ClusterProcesses.freshDirFor(PeerTlsTest.class, "refused", kind);
        int[] ports = ServerProcess.freePorts(2);
        String client = "127.0.0.1:" + ports[0];
        String peer = "127.0.0.1:" + ports[1];

        Commands.Result noPeerKeys = ServerProcess.runToExit(kind, dir.resolve("work"), CMD,
                soloFlags(dir.resolve("a"), "http://" + client, "https://" + peer));
        assertEquals(1, noPeerKeys.exitCode(), noPeerKeys.stdout());
        assertTrue(noPeerKeys.stdout().contains(
                "C | etcdmain: cannot listen on TLS for " + peer + ": KeyFile and CertFile are not presented"),
                noPeerKeys.stdout());
        Commands.Result noClientKeys = ServerProcess.runToExit(kind, dir.resolve("work"), CMD,
                soloFlags(dir.resolve("b"), "https://" + client, "http://" + peer));
        assertEquals(1, noClientKeys.exitCode(), noClientKeys.stdout());
        assertTrue(noClientKeys.stdout().contains("C | etcdmain: TLS key/cert (--cert-file, --key-file) must be provided"
                + " for client url https://" + client + " with HTTPS scheme"), noClientKeys.stdout());

        // guide 002's commands as printed, http URLs with --auto-tls --peer-auto-tls: certificates are made, the
        // listeners stay plain
        Path data = dir.resolve("plain").resolve("data");
        List<String> flags = soloFlags(data, "http://" + client, "http://" + peer);
        flags.addAll(List.of("--auto-tls", "--peer-auto-tls"));
        try (ServerProcess solo = ServerProcess.withFlags(kind, "machine-0", data, dir.resolve("plain").resolve("log"),
                ports[0], ports[1], flags)) {
            solo.start();
            assertEquals("OK\n", new Etcdctl(client, dir.resolve("work")).run("put", "k", "v").ok().stdout());
            assertTrue(Files.exists(data.resolve("fixtures/client/cert.pem")));
            assertTrue(Files.exists(data.resolve("fixtures/peer/key.pem")));
        }
    }

    /** Guide 002's static three-member cluster (machine-0..2, etcd-cluster-1) with the given schemes and flags. */
    static List<ServerProcess> threeMembers(ServerProcess.Kind kind, Path dir, int[] ports, String clientScheme,
            String peerScheme, IntFunction<List<String>> more) {
        StringBuilder cluster = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            cluster.append(i == 0 ? "" : ",").append("machine-").append(i).append('=').append(peerScheme)
                    .append("://127.0.0.1:").append(ports[2 * i + 1]);
        }
        List<ServerProcess> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "machine-" + i;
            Path data = dir.resolve(name).resolve("data");
            String clientUrl = clientScheme + "://127.0.0.1:" + ports[2 * i];
            String peerUrl = peerScheme + "://127.0.0.1:" + ports[2 * i + 1];
            List<String> flags = ClusterProcesses.memberFlags(name, data, clientUrl, peerUrl, cluster.toString(), "new");
            flags.addAll(List.of("--initial-cluster-token", "etcd-cluster-1"));
            flags.addAll(more.apply(i));
            members.add(ServerProcess.withFlags(kind, name, data, dir.resolve(name).resolve(kind.label() + ".log"),
                    ports[2 * i], ports[2 * i + 1], flags));
        }
        return members;
    }

    private static List<String> soloFlags(Path data, String clientUrl, String peerUrl) {
        return ClusterProcesses.memberFlags("machine-0", data, clientUrl, peerUrl, "machine-0=" + peerUrl, "new");
    }

    static void closeAll(List<ServerProcess> members) {
        for (ServerProcess m : members) {
            try { m.close(); } catch (RuntimeException | Error ignored) { }
        }
    }
}
